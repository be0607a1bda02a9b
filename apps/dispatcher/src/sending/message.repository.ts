import { OutboundRequestedV1 } from '@wabridge/contracts';
import { MessageState } from '../lifecycle/status-machine';
import { Pg } from '../database/pg';

export interface MessageRow {
  id: string;
  tenant_id: string;
  phone_number_id: string;
  recipient: string;
  status: MessageState;
  version: number;
  attempts: number;
  wamid: string | null;
  attempted_at: Date | null;
  request: OutboundRequestedV1;
  created?: boolean;
}

export function recipientOf(r: { to?: string; recipient?: string }): string {
  return r.to ?? r.recipient ?? '';
}

/**
 * Every transition names the version it read and bumps it: exactly one of several copies of
 * a message (redelivery, stale retry, reconciliation) wins each step.
 */
export class MessageRepository {
  constructor(private readonly pg: Pg) {}

  /**
   * Records new requests (idempotent by id and by tenant + idempotency key) and returns the
   * current row of each request id; a request whose idempotency key belongs to another id has
   * no row (it is a duplicate of that one).
   */
  async claim(requests: OutboundRequestedV1[]): Promise<Map<string, MessageRow>> {
    const out = new Map<string, MessageRow>();
    const unique = [...new Map(requests.map((r) => [r.id, r])).values()];
    for (let i = 0; i < unique.length; i += 400) {
      const chunk = unique.slice(i, i + 400);
      const params: unknown[] = [];
      const values = chunk.map((r) => {
        params.push(r.id, r.tenantId, r.phoneNumberId, recipientOf(r), r.type, r.idempotencyKey ?? null, JSON.stringify(r));
        const b = params.length - 7;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},'accepted',$${b + 6},$${b + 7}::jsonb)`;
      });
      const inserted = await this.pg.query<{ id: string }>(
        `INSERT INTO messages (id, tenant_id, phone_number_id, recipient, type, status, idempotency_key, request)
         VALUES ${values.join(',')} ON CONFLICT DO NOTHING RETURNING id`,
        params,
      );
      const created = new Set(inserted.rows.map((r) => r.id));
      const { rows } = await this.pg.query<MessageRow>(
        `SELECT id, tenant_id, phone_number_id, recipient, status, version, attempts, wamid, attempted_at, request
         FROM messages WHERE id = ANY($1)`,
        [chunk.map((r) => r.id)],
      );
      for (const row of rows) out.set(row.id, { ...row, created: created.has(row.id) });
    }
    return out;
  }

  async get(id: string): Promise<MessageRow | undefined> {
    const { rows } = await this.pg.query<MessageRow>(
      `SELECT id, tenant_id, phone_number_id, recipient, status, version, attempts, wamid, attempted_at, request FROM messages WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async findByWamid(wamid: string): Promise<MessageRow | undefined> {
    const { rows } = await this.pg.query<MessageRow>(
      `SELECT id, tenant_id, phone_number_id, recipient, status, version, attempts, wamid, attempted_at, request FROM messages WHERE wamid = $1`,
      [wamid],
    );
    return rows[0];
  }

  /** Before the Graph call: `attempting`, attempts+1. Null when another copy moved first. */
  async markAttempting(id: string, version: number, now: Date): Promise<{ version: number; attempts: number } | null> {
    const { rows } = await this.pg.query<{ version: number; attempts: number }>(
      `UPDATE messages SET status = 'attempting', version = version + 1, attempts = attempts + 1, attempted_at = $3, updated_at = $3
       WHERE id = $1 AND version = $2 AND status IN ('accepted', 'scheduled', 'paused', 'attempting')
       RETURNING version, attempts`,
      [id, version, now],
    );
    return rows[0] ?? null;
  }

  /** Graph accepted it. A status webhook may have been faster: then only the wamid is filled in. */
  async markSent(id: string, wamid: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pg.query(
      `UPDATE messages SET wamid = COALESCE(wamid, $2), sent_at = COALESCE(sent_at, $3), updated_at = $3, version = version + 1,
              status = CASE WHEN status = 'attempting' THEN 'sent' ELSE status END
       WHERE id = $1 AND status IN ('attempting', 'sent', 'delivered', 'read', 'played')`,
      [id, wamid, now],
    );
    return rowCount > 0;
  }

  /** Any other transition guarded by the version read. Returns the new version or null. */
  async transition(
    id: string,
    version: number,
    status: MessageState,
    extra: { notBefore?: Date; error?: { class: string; code?: number; message: string }; reconciledResend?: boolean } = {},
  ): Promise<number | null> {
    const { rows } = await this.pg.query<{ version: number }>(
      `UPDATE messages SET status = $3, version = version + 1, updated_at = now(),
              not_before = COALESCE($4, not_before),
              error_class = COALESCE($5, error_class), error_code = COALESCE($6, error_code), error_message = COALESCE($7, error_message),
              reconciled_resends = reconciled_resends + $8
       WHERE id = $1 AND version = $2 RETURNING version`,
      [id, version, status, extra.notBefore ?? null, extra.error?.class ?? null, extra.error?.code ?? null,
        extra.error?.message ?? null, extra.reconciledResend ? 1 : 0],
    );
    return rows[0]?.version ?? null;
  }

  /** Status webhook: move forward if the rank allows (checked by the caller with the row it read). */
  async applyStatus(id: string, fromStatus: MessageState, to: MessageState, wamid: string | undefined,
    error?: { class: string; code?: number; message: string }): Promise<boolean> {
    const { rowCount } = await this.pg.query(
      `UPDATE messages SET status = $3, version = version + 1, updated_at = now(), wamid = COALESCE(wamid, $4),
              error_class = COALESCE($5, error_class), error_code = COALESCE($6, error_code), error_message = COALESCE($7, error_message)
       WHERE id = $1 AND status = $2`,
      [id, fromStatus, to, wamid ?? null, error?.class ?? null, error?.code ?? null, error?.message ?? null],
    );
    return rowCount > 0;
  }

  /** Held messages of a number (paused), to be re-queued after it resumes. */
  async held(phoneNumberId: string, limit = 5000): Promise<MessageRow[]> {
    const { rows } = await this.pg.query<MessageRow>(
      `SELECT id, tenant_id, phone_number_id, recipient, status, version, attempts, wamid, attempted_at, request
       FROM messages WHERE phone_number_id = $1 AND status = 'paused' ORDER BY created_at LIMIT $2`,
      [phoneNumberId, limit],
    );
    return rows;
  }
}
