import { MessageState, OutboundRequestedV1, rankOf, SETTLED_STATES } from '@wabridge/contracts';
import { MicroBatcher } from '../database/micro-batcher';
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
  /** W3C traceparent of the request that created the message (status spans link to it). */
  trace_parent?: string | null;
  created?: boolean;
}

interface Transition {
  id: string;
  version: number;
  status: MessageState;
  notBefore?: Date;
  error?: { class: string; code?: number; message: string };
  reconciledResend?: boolean;
}

export function recipientOf(r: { to?: string; recipient?: string }): string {
  return r.to ?? r.recipient ?? '';
}

/** What {@link MessageRepository.applyForwardStatus} found and did. */
export interface ForwardStatus {
  /** The message's state before (locked, current). */
  fromStatus: MessageState;
  phoneNumberId: string;
  /** False: another number's message, or not forward of `fromStatus` (nothing changed). */
  applied: boolean;
  /** Set when applied. `recipient` is what `recipientOf(request)` gives (empty once erased). */
  tenantId: string | null;
  recipient: string | null;
  /** The send's W3C traceparent (the status's span links to it, applied or not). */
  traceParent: string | null;
}

interface ForwardInput {
  id: string;
  phoneNumberId: string;
  to: 'sent' | 'delivered' | 'read' | 'played';
  wamid: string;
}

const ALL_STATES: Record<MessageState, true> = {
  accepted: true, scheduled: true, paused: true, attempting: true, sent: true, delivered: true, read: true, played: true, failed: true, rejected: true,
};
/** The status machine's rank of the locked row's state, as SQL (from `rankOf`, so the two cannot disagree). */
const RANK_OF_OLD_STATUS = `(CASE old.status ${(Object.keys(ALL_STATES) as MessageState[]).map((s) => `WHEN '${s}' THEN ${rankOf(s)}`).join(' ')} END)`;

/** The columns of a {@link MessageRow} (`trace_parent` where a caller needs it). */
const ROW_COLUMNS = 'id, tenant_id, phone_number_id, recipient, status, version, attempts, wamid, attempted_at, request';

/**
 * Every transition names the version it read and bumps it: exactly one of several copies of
 * a message (redelivery, stale retry, reconciliation) wins each step.
 */
export class MessageRepository {
  private readonly attempting: MicroBatcher<{ id: string; version: number; now: Date }, { version: number; attempts: number } | null>;
  private readonly sent: MicroBatcher<{ id: string; wamid: string; now: Date }, boolean>;
  private readonly transitions: MicroBatcher<Transition, number | null>;
  private readonly forward: MicroBatcher<ForwardInput, ForwardStatus | undefined>;

  constructor(private readonly pg: Pg) {
    this.attempting = new MicroBatcher((items) => this.markAttemptingMany(items), 1, 500);
    this.sent = new MicroBatcher((items) => this.markSentMany(items), 1, 500);
    this.transitions = new MicroBatcher((items) => this.transitionMany(items), 1, 500);
    this.forward = new MicroBatcher((items) => this.applyForwardMany(items), 1, 500);
  }

  /**
   * Records new requests (idempotent by id and by tenant + idempotency key) and returns the
   * current row of each request id; a request whose idempotency key belongs to another id has
   * no row (it is a duplicate of that one).
   */
  async claim(requests: OutboundRequestedV1[], traceParents: Map<string, string> = new Map()): Promise<Map<string, MessageRow>> {
    const out = new Map<string, MessageRow>();
    const unique = [...new Map(requests.map((r) => [r.id, r])).values()];
    for (let i = 0; i < unique.length; i += 400) {
      const chunk = unique.slice(i, i + 400);
      const ids = chunk.map((r) => r.id);
      const params: unknown[] = [ids];
      const values = chunk.map((r) => {
        params.push(r.id, r.tenantId, r.phoneNumberId, recipientOf(r), r.type, r.idempotencyKey ?? null, JSON.stringify(r), traceParents.get(r.id) ?? null);
        const b = params.length - 8;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},'accepted',$${b + 6},$${b + 7}::jsonb,$${b + 8})`;
      });
      // One round trip (ADR 0223): the new rows from the INSERT's RETURNING, the others read in
      // the same statement. That read uses the statement's snapshot, so it misses a row another
      // transaction committed while the INSERT waited on it (a second owner claiming the same
      // copy): such ids, and ids whose idempotency key is another id's, are read again below.
      const { rows } = await this.pg.query<MessageRow & { created: boolean }>(
        `WITH ins AS (
           INSERT INTO messages (id, tenant_id, phone_number_id, recipient, type, status, idempotency_key, request, trace_parent)
           VALUES ${values.join(',')} ON CONFLICT DO NOTHING
           RETURNING ${ROW_COLUMNS})
         SELECT ${ROW_COLUMNS}, true AS created FROM ins
         UNION ALL
         SELECT ${ROW_COLUMNS}, false AS created FROM messages WHERE id = ANY($1) AND id NOT IN (SELECT id FROM ins)`,
        params,
      );
      for (const row of rows) out.set(row.id, row);
      const unseen = ids.filter((id) => !out.has(id));
      if (unseen.length === 0) continue;
      const again = await this.pg.query<MessageRow>(`SELECT ${ROW_COLUMNS} FROM messages WHERE id = ANY($1)`, [unseen]);
      for (const row of again.rows) out.set(row.id, { ...row, created: false });
    }
    return out;
  }

  async get(id: string): Promise<MessageRow | undefined> {
    const { rows } = await this.pg.query<MessageRow>(
      `SELECT ${ROW_COLUMNS}, trace_parent FROM messages WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async findByWamid(wamid: string): Promise<MessageRow | undefined> {
    const { rows } = await this.pg.query<MessageRow>(
      `SELECT ${ROW_COLUMNS}, trace_parent FROM messages WHERE wamid = $1`,
      [wamid],
    );
    return rows[0];
  }

  /** Before the Graph call: `attempting`, attempts+1. Null when another copy moved first. Micro-batched. */
  markAttempting(id: string, version: number, now: Date): Promise<{ version: number; attempts: number } | null> {
    return this.attempting.run({ id, version, now });
  }

  private async markAttemptingMany(items: { id: string; version: number; now: Date }[]): Promise<({ version: number; attempts: number } | null)[]> {
    const { rows } = await this.pg.query<{ id: string; version: number; attempts: number }>(
      `UPDATE messages m SET status = 'attempting', version = m.version + 1, attempts = m.attempts + 1, attempted_at = v.now, updated_at = v.now
       FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS v(id, version, now)
       WHERE m.id = v.id AND m.version = v.version AND m.status IN ('accepted', 'scheduled', 'paused', 'attempting')
       RETURNING m.id, m.version, m.attempts`,
      [items.map((i) => i.id), items.map((i) => i.version), items.map((i) => i.now)],
    );
    // Two copies of one message in the same flush: the row was updated once, so only the first
    // copy may go on (the other lost the claim).
    const byId = new Map(rows.map((r) => [r.id, { version: r.version, attempts: r.attempts }]));
    return items.map((i) => {
      const won = byId.get(i.id) ?? null;
      byId.delete(i.id);
      return won;
    });
  }

  /** Graph accepted it. A status webhook may have been faster: then only the wamid is filled in. Micro-batched. */
  markSent(id: string, wamid: string, now: Date): Promise<boolean> {
    return this.sent.run({ id, wamid, now });
  }

  private async markSentMany(items: { id: string; wamid: string; now: Date }[]): Promise<boolean[]> {
    const { rows } = await this.pg.query<{ id: string }>(
      `UPDATE messages m SET wamid = COALESCE(m.wamid, v.wamid), sent_at = COALESCE(m.sent_at, v.now), updated_at = v.now,
              version = m.version + 1, status = CASE WHEN m.status = 'attempting' THEN 'sent' ELSE m.status END
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(id, wamid, now)
       WHERE m.id = v.id AND m.status IN ('attempting', 'sent', 'delivered', 'read', 'played')
       RETURNING m.id`,
      [items.map((i) => i.id), items.map((i) => i.wamid), items.map((i) => i.now)],
    );
    const ok = new Set(rows.map((r) => r.id));
    return items.map((i) => ok.has(i.id));
  }

  /**
   * Any other transition guarded by the version read. Returns the new version or null.
   * Micro-batched: a batch that defers thousands of messages must not queue thousands of
   * round trips in front of the sends' `attempting` claims.
   */
  transition(
    id: string,
    version: number,
    status: MessageState,
    extra: { notBefore?: Date; error?: { class: string; code?: number; message: string }; reconciledResend?: boolean } = {},
  ): Promise<number | null> {
    return this.transitions.run({ id, version, status, ...extra });
  }

  private async transitionMany(items: Transition[]): Promise<(number | null)[]> {
    // One copy per message per statement (an UPDATE changes a row once): later copies lost the race.
    const first = new Map<string, Transition>();
    for (const i of items) if (!first.has(i.id)) first.set(i.id, i);
    const list = [...first.values()];
    const { rows } = await this.pg.query<{ id: string; version: number }>(
      `UPDATE messages m SET status = v.status, version = m.version + 1, updated_at = now(),
              not_before = COALESCE(v.not_before, m.not_before),
              error_class = COALESCE(v.error_class, m.error_class), error_code = COALESCE(v.error_code, m.error_code),
              error_message = COALESCE(v.error_message, m.error_message),
              reconciled_resends = m.reconciled_resends + v.resend
       FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::text[], $8::int[])
            AS v(id, version, status, not_before, error_class, error_code, error_message, resend)
       WHERE m.id = v.id AND m.version = v.version RETURNING m.id, m.version`,
      [
        list.map((i) => i.id), list.map((i) => i.version), list.map((i) => i.status), list.map((i) => i.notBefore ?? null),
        list.map((i) => i.error?.class ?? null), list.map((i) => i.error?.code ?? null), list.map((i) => i.error?.message ?? null),
        list.map((i) => (i.reconciledResend ? 1 : 0)),
      ],
    );
    const byId = new Map(rows.map((r) => [r.id, r.version]));
    return items.map((i) => (first.get(i.id) === i ? byId.get(i.id) ?? null : null));
  }

  /**
   * A `sent`/`delivered`/`read`/`played` webhook for a message found by our id (ADR 0127): the
   * row is locked, moved to `to` when that is forward of its current state and it belongs to
   * `phoneNumberId`, and what the event needs comes back — not the stored request. Statuses
   * applied at the same time (other partitions) share one statement. Undefined when no message
   * has this id (the caller then looks it up by wamid).
   */
  applyForwardStatus(id: string, phoneNumberId: string, to: 'sent' | 'delivered' | 'read' | 'played', wamid: string): Promise<ForwardStatus | undefined> {
    return this.forward.run({ id, phoneNumberId, to, wamid });
  }

  private async applyForwardMany(items: ForwardInput[]): Promise<(ForwardStatus | undefined)[]> {
    // One statement updates a row once: a second status of the same message waits for the next.
    const first = new Map<string, ForwardInput>();
    for (const i of items) if (!first.has(i.id)) first.set(i.id, i);
    const list = [...first.values()];
    const { rows } = await this.pg.query<ForwardStatus & { id: string }>(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS v(id, phone_number_id, status, wamid, rank)),
            old AS (SELECT m.id, m.status, m.phone_number_id, m.trace_parent FROM messages m WHERE m.id = ANY($1::text[]) ORDER BY m.id FOR UPDATE),
            upd AS (
              UPDATE messages m SET status = v.status, version = m.version + 1, updated_at = now(), wamid = COALESCE(m.wamid, v.wamid)
              FROM old JOIN v ON v.id = old.id
              WHERE m.id = old.id AND old.phone_number_id = v.phone_number_id AND ${RANK_OF_OLD_STATUS} < v.rank
              RETURNING m.id, m.tenant_id, COALESCE(m.request->>'to', m.request->>'recipient', '') AS recipient)
       SELECT old.id, old.status AS "fromStatus", old.phone_number_id AS "phoneNumberId", upd.id IS NOT NULL AS applied,
              upd.tenant_id AS "tenantId", upd.recipient, old.trace_parent AS "traceParent"
       FROM old LEFT JOIN upd ON upd.id = old.id`,
      [list.map((i) => i.id), list.map((i) => i.phoneNumberId), list.map((i) => i.to), list.map((i) => i.wamid), list.map((i) => rankOf(i.to))],
    );
    const byId = new Map(rows.map(({ id, ...r }) => [id, r]));
    const out: (ForwardStatus | undefined)[] = [];
    for (const i of items) out.push(first.get(i.id) === i ? byId.get(i.id) : (await this.applyForwardMany([i]))[0]);
    return out;
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

  /**
   * Messages still on their way whose live copy is overdue: nothing changed them for `graceMs`,
   * a scheduled one is `graceMs` past its due time, an attempting one `graceMs` past its
   * reconciliation timeout. Normally a copy in a topic brings each back; these have none (a
   * crash between two writes) or a consumer far behind. Oldest first, at most `limit`.
   */
  async overdue(now: Date, graceMs: number, reconcileTimeoutMs: number, limit: number): Promise<MessageRow[]> {
    const { rows } = await this.pg.query<MessageRow>(
      `SELECT ${ROW_COLUMNS}
       FROM messages
       WHERE status IN ('accepted', 'scheduled', 'attempting')
         AND updated_at < $1::timestamptz - make_interval(secs => $2::float8 / 1000)
         AND (status <> 'scheduled' OR not_before IS NULL OR not_before < $1::timestamptz - make_interval(secs => $2::float8 / 1000))
         AND (status <> 'attempting' OR GREATEST(attempted_at, not_before) < $1::timestamptz - make_interval(secs => ($2::float8 + $3::float8) / 1000))
       ORDER BY updated_at LIMIT $4`,
      [now, graceMs, reconcileTimeoutMs, limit],
    );
    return rows;
  }

  /** Our message's wamid, for a reply or reaction that names our id (same tenant only). */
  async wamidOf(tenantId: string, id: string): Promise<{ wamid: string | null; status: MessageState } | undefined> {
    const { rows } = await this.pg.query<{ wamid: string | null; status: MessageState }>(
      `SELECT wamid, status FROM messages WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return rows[0];
  }

  /** Held messages of a number (paused), to be re-queued after it resumes. */
  async held(phoneNumberId: string, limit = 5000): Promise<MessageRow[]> {
    const { rows } = await this.pg.query<MessageRow>(
      `SELECT ${ROW_COLUMNS}
       FROM messages WHERE phone_number_id = $1 AND status = 'paused' ORDER BY created_at LIMIT $2`,
      [phoneNumberId, limit],
    );
    return rows;
  }

  /**
   * Retention: deletes messages in a final state created before `before`, in chunks (short
   * locks). Messages still on their way (accepted, scheduled, paused, attempting) are kept
   * whatever their age. Returns how many rows went.
   */
  pruneSettled(before: Date, chunk = 5000): Promise<number> {
    return this.pg.deleteInChunks('messages', 'created_at < $1 AND status = ANY($2)', [before, [...SETTLED_STATES]], chunk);
  }
}
