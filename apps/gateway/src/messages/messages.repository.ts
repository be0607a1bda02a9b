import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { deleteInChunks, Pg, returnedRows } from '@wabridge/database';
import { DATA_SOURCE } from '../tokens';
import { HistoryEntry, LifecycleState, ProjectedError, ProjectedStatus, statusRank } from './message-lifecycle';

export interface MessageRow {
  id: string;
  tenant_id: string;
  phone_number_id: string;
  recipient: string;
  to: string | null;
  recipient_user_id: string | null;
  type: string;
  status: ProjectedStatus;
  wamid: string | null;
  error: ProjectedError | null;
  history: HistoryEntry[];
  idempotency_key: string | null;
  request_hash: string;
  source: string;
  metadata: Record<string, string> | null;
  send_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface MessageView {
  id: string;
  phoneNumberId: string;
  to?: string;
  recipient?: string;
  type: string;
  status: ProjectedStatus;
  wamid?: string;
  error?: ProjectedError;
  metadata?: Record<string, string>;
  /** When it was asked to go out (scheduled sends, ADR 0150). */
  sendAt?: string;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
}

export function messageView(r: MessageRow): MessageView {
  const v: MessageView = {
    id: r.id, phoneNumberId: r.phone_number_id, type: r.type, status: r.status,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), history: r.history,
  };
  if (r.to) v.to = r.to;
  if (r.recipient_user_id) v.recipient = r.recipient_user_id;
  if (r.wamid) v.wamid = r.wamid;
  if (r.error) v.error = r.error;
  if (r.metadata) v.metadata = r.metadata;
  if (r.send_at) v.sendAt = r.send_at.toISOString();
  return v;
}

export interface NewMessage {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  to?: string;
  recipientUserId?: string;
  type: string;
  idempotencyKey?: string;
  requestHash: string;
  source: string;
  metadata?: Record<string, string>;
  createdAt: string;
  sendAt?: string;
  /** Held by the gateway until `sendAt` (ADR 0150): status `scheduled` instead of `accepted`. */
  scheduled?: boolean;
}

/** Statuses after which the projection no longer changes in practice (retention may delete the row). */
export const SETTLED_PROJECTED_STATUSES = ['sent', 'delivered', 'read', 'played', 'rejected', 'failed', 'dead-lettered', 'cancelled'] as const;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The smallest ULID of the millisecond `ms`: ids below it were created before it (ids are ULIDs). */
export function ulidFloor(ms: number): string {
  let t = Math.max(0, Math.floor(ms));
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out + '0'.repeat(16);
}

export interface MessageFilter {
  status?: string;
  to?: string;
  since?: string;
  cursor?: string;
  limit: number;
}

/**
 * A Postgres string literal of `s`, for the one statement sent without parameters
 * (`acceptMany`): quotes doubled; with a backslash, an escape string with the backslashes
 * doubled (right whatever `standard_conforming_strings` says). A NUL cannot be stored in a text
 * column and would end the protocol's query string early, so it is refused before anything is
 * sent (with parameters Postgres refused it too: the send failed either way).
 */
export function sqlLiteral(s: string): string {
  if (s.includes('\u0000')) throw new Error('a value holds a NUL character, which Postgres text cannot store');
  const quoted = s.includes("'") ? s.replaceAll("'", "''") : s;
  return s.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

function literalOrNull(s: string | null | undefined): string {
  return s === null || s === undefined ? 'NULL' : sqlLiteral(s);
}

/**
 * `BEGIN` and the INSERT of `msgs` as one simple-protocol query string (ADR 0210): the values
 * as literals, rows in the order given (the caller's lock order).
 */
export function beginAndInsertAcceptedSql(msgs: readonly NewMessage[]): string {
  let values = '';
  for (let i = 0; i < msgs.length; i++) {
    const msg = msgs[i]!;
    const status: ProjectedStatus = msg.scheduled ? 'scheduled' : 'accepted';
    const history: HistoryEntry[] = [{ status, at: msg.createdAt }];
    const createdAt = `${sqlLiteral(msg.createdAt)}::timestamptz`;
    values += `${i > 0 ? ',\n' : ''}(${sqlLiteral(msg.id)}, ${sqlLiteral(msg.tenantId)}, ${sqlLiteral(msg.phoneNumberId)}, `
      + `${literalOrNull(msg.to ?? msg.recipientUserId)}, ${literalOrNull(msg.to)}, ${literalOrNull(msg.recipientUserId)}, ${sqlLiteral(msg.type)}, `
      + `'${status}', ${statusRank(status)}, ${sqlLiteral(JSON.stringify(history))}::jsonb, ${literalOrNull(msg.idempotencyKey)}, `
      + `${sqlLiteral(msg.requestHash)}, ${sqlLiteral(msg.source)}, ${msg.metadata ? `${sqlLiteral(JSON.stringify(msg.metadata))}::jsonb` : 'NULL'}, `
      + `${createdAt}, ${createdAt}, ${msg.sendAt ? `${sqlLiteral(msg.sendAt)}::timestamptz` : 'NULL'})`;
  }
  return `BEGIN;
INSERT INTO messages (id, tenant_id, phone_number_id, recipient, "to", recipient_user_id, type, status, status_rank,
  history, idempotency_key, request_hash, source, metadata, created_at, updated_at, send_at)
VALUES ${values}
ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id`;
}

/** SQL of the messages table; tenant-owned queries take tenantId first. */
@Injectable()
export class MessagesRepository {
  /** pg's pool under the DataSource: the accept path's transaction (ADR 0210). */
  private readonly pg: Pg;

  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {
    this.pg = new Pg(db);
  }

  /**
   * Inserts an accepted message; with an idempotency key, returns false (and inserts nothing)
   * when the key was used before. A concurrent insert of the same key waits for the other
   * transaction and then sees the conflict (Postgres unique index semantics).
   */
  async insertAccepted(m: EntityManager, msg: NewMessage): Promise<boolean> {
    const status: ProjectedStatus = msg.scheduled ? 'scheduled' : 'accepted';
    const history: HistoryEntry[] = [{ status, at: msg.createdAt }];
    const rows: unknown[] = await m.query(
      `INSERT INTO messages (id, tenant_id, phone_number_id, recipient, "to", recipient_user_id, type, status, status_rank,
         history, idempotency_key, request_hash, source, metadata, created_at, updated_at, send_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $15, $16, $8, $9, $10, $11, $12, $13, $13, $14)
       ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        msg.id, msg.tenantId, msg.phoneNumberId, msg.to ?? msg.recipientUserId, msg.to ?? null, msg.recipientUserId ?? null,
        msg.type, JSON.stringify(history), msg.idempotencyKey ?? null, msg.requestHash, msg.source,
        msg.metadata ? JSON.stringify(msg.metadata) : null, msg.createdAt, msg.sendAt ?? null, status, statusRank(status),
      ],
    );
    return rows.length > 0;
  }

  /**
   * The accept path's transaction (ADR 0192, ADR 0210): on a pooled pg client, `BEGIN` and the
   * INSERT of `msgs` in one round trip (`beginAndInsertAcceptedSql`; a row whose (tenant,
   * Idempotency-Key) exists — committed, earlier in the list, or in a transaction still open,
   * which this waits for — is skipped), then `whileOpen(ids of the rows inserted)` (the
   * produce of their commands), then `COMMIT`. If anything fails, `ROLLBACK` and the error is
   * thrown: nothing of the batch is committed. Two round trips per batch where TypeORM's
   * transaction took three.
   */
  async acceptMany(msgs: readonly NewMessage[], whileOpen: (ids: Set<string>) => Promise<void>): Promise<Set<string>> {
    return this.pg.transactionBegunWith<{ id: string }, Set<string>>(beginAndInsertAcceptedSql(msgs), async (rows) => {
      const ids = new Set<string>();
      for (const r of rows) ids.add(r.id);
      await whileOpen(ids);
      return ids;
    });
  }

  /** A message requested straight on Kafka (internal producer): recorded once, redeliveries ignored. */
  async insertFromCommand(msg: NewMessage, m: Pick<EntityManager, 'query'> = this.db): Promise<void> {
    const history: HistoryEntry[] = [{ status: 'accepted', at: msg.createdAt }];
    await m.query(
      `INSERT INTO messages (id, tenant_id, phone_number_id, recipient, "to", recipient_user_id, type, status, status_rank,
         history, idempotency_key, request_hash, source, metadata, created_at, updated_at, send_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'accepted', 0, $8, $9, $10, $11, $12, $13, $13, $14)
       ON CONFLICT DO NOTHING`,
      [
        msg.id, msg.tenantId, msg.phoneNumberId, msg.to ?? msg.recipientUserId, msg.to ?? null, msg.recipientUserId ?? null,
        msg.type, JSON.stringify(history), msg.idempotencyKey ?? null, msg.requestHash, msg.source,
        msg.metadata ? JSON.stringify(msg.metadata) : null, msg.createdAt, msg.sendAt ?? null,
      ],
    );
  }

  async findByIdempotencyKey(tenantId: string, key: string): Promise<MessageRow | null> {
    const rows: MessageRow[] = await this.db.query('SELECT * FROM messages WHERE tenant_id = $1 AND idempotency_key = $2', [tenantId, key]);
    return rows[0] ?? null;
  }

  /** Forgets the tenant's key when it was used before `usedBefore` (expired); true if it did. */
  async expireIdempotencyKey(tenantId: string, key: string, usedBefore: Date): Promise<boolean> {
    const rows: unknown[] = returnedRows(await this.db.query(
      'UPDATE messages SET idempotency_key = NULL WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at < $3 RETURNING id',
      [tenantId, key, usedBefore],
    ));
    return rows.length > 0;
  }

  /** Forgets up to `limit` keys used before `usedBefore`; returns how many. */
  async pruneIdempotencyKeys(usedBefore: Date, limit: number): Promise<number> {
    const rows: unknown[] = returnedRows(await this.db.query(
      `UPDATE messages SET idempotency_key = NULL WHERE id IN (
         SELECT id FROM messages WHERE idempotency_key IS NOT NULL AND created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [usedBefore, limit],
    ));
    return rows.length;
  }

  async get(tenantId: string, id: string): Promise<MessageRow | null> {
    const rows: MessageRow[] = await this.db.query('SELECT * FROM messages WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ?? null;
  }

  async list(tenantId: string, f: MessageFilter): Promise<MessageRow[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.status) add('status = ?', f.status);
    if (f.to) add('recipient = ?', f.to);
    if (f.since) add('created_at >= ?', f.since);
    if (f.cursor) add('id < ?', f.cursor);
    params.push(f.limit);
    return this.db.query(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`, params);
  }

  // ---- projection (Kafka consumers) ----

  /** The rows of `ids` (those that exist), locked in id order so concurrent batches never deadlock. */
  async lockByIds(m: EntityManager, ids: string[]): Promise<MessageRow[]> {
    if (ids.length === 0) return [];
    return m.query('SELECT * FROM messages WHERE id = ANY($1) ORDER BY id FOR UPDATE', [ids]);
  }

  /**
   * Serializes the projection's work on one message id between its command (which makes the
   * row) and its events (which may come first): held to the end of the transaction.
   */
  async lockMessageIds(m: EntityManager, ids: string[]): Promise<void> {
    for (const id of [...new Set(ids)].sort()) await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gateway.message.${id}`]);
  }

  /** Keeps events whose message row does not exist yet (their command is still on its way). */
  async parkEarlyEvents(m: EntityManager, events: { id: string; tenantId: string; phoneNumberId: string; recipient: string }[]): Promise<void> {
    if (events.length === 0) return;
    await m.query(
      `INSERT INTO early_outbound_events (message_id, tenant_id, phone_number_id, recipient, event)
       SELECT e->>'id', e->>'tenantId', e->>'phoneNumberId', e->>'recipient', e FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n`,
      [JSON.stringify(events)],
    );
  }

  /** Takes the events parked for this message, in the order they arrived. */
  async takeEarlyEvents(m: EntityManager, tenantId: string, id: string): Promise<unknown[]> {
    const rows = returnedRows<{ event: unknown; seq: string }>(await m.query(
      'DELETE FROM early_outbound_events WHERE message_id = $1 AND tenant_id = $2 RETURNING event, seq', [id, tenantId]));
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => r.event);
  }

  /** Deletes parked events whose command never came, received before `before`. */
  pruneEarlyEvents(before: Date, chunk = 5000): Promise<number> {
    return deleteInChunks(this.db, 'early_outbound_events', 'received_at < $1', [before], chunk);
  }

  /** Writes the lifecycle state of several rows in one statement (wamid only where none is stored yet). */
  async saveStates(m: EntityManager, rows: { id: string; state: LifecycleState; wamid: string | null }[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => ({
      id: r.id, status: r.state.status, rank: statusRank(r.state.status), history: r.state.history, error: r.state.error ?? null, wamid: r.wamid,
    }));
    await m.query(
      `UPDATE messages m SET status = v.status, status_rank = v.rank, history = v.history, error = v.error,
         wamid = COALESCE(m.wamid, v.wamid), updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS v(id text, status text, rank integer, history jsonb, error jsonb, wamid text)
       WHERE m.id = v.id`,
      [JSON.stringify(values)],
    );
  }

  // ---- GDPR erasure and retention ----

  /**
   * GDPR erasure of one contact's messages (ADR 0075), idempotent: the rows stay (ids, states,
   * timestamps are the tenant's delivery record) but lose recipient, `to`, BSUID, wamid,
   * metadata, the request hash and Meta's error texts; statuses parked for their wamids go.
   */
  async eraseRecipient(tenantId: string, phoneNumberId: string, recipients: string[]): Promise<number> {
    if (recipients.length === 0) return 0;
    return this.db.transaction(async (m) => {
      const targets = returnedRows<{ id: string; wamid: string | null }>(await m.query(
        `SELECT id, wamid FROM messages WHERE tenant_id = $1 AND phone_number_id = $2
           AND (recipient = ANY($3) OR "to" = ANY($3) OR recipient_user_id = ANY($3)) FOR UPDATE`,
        [tenantId, phoneNumberId, recipients],
      ));
      await m.query('DELETE FROM early_outbound_events WHERE tenant_id = $1 AND phone_number_id = $2 AND recipient = ANY($3)', [tenantId, phoneNumberId, recipients]);
      if (targets.length === 0) return 0;
      const wamids = targets.map((t) => t.wamid).filter((w): w is string => w !== null);
      if (wamids.length > 0) await m.query('DELETE FROM unmatched_statuses WHERE phone_number_id = $1 AND wamid = ANY($2)', [phoneNumberId, wamids]);
      await m.query(
        `UPDATE messages SET recipient = 'erased', "to" = NULL, recipient_user_id = NULL, wamid = NULL, metadata = NULL,
           request_hash = 'erased', error = CASE WHEN error IS NULL THEN NULL ELSE error - 'message' END,
           history = COALESCE((SELECT jsonb_agg(CASE WHEN h ? 'error' THEN jsonb_set(h, '{error}', (h->'error') - 'message') ELSE h END ORDER BY n)
                               FROM jsonb_array_elements(history) WITH ORDINALITY AS x(h, n)), '[]'::jsonb),
           updated_at = now()
         WHERE id = ANY($1)`,
        [targets.map((t) => t.id)],
      );
      return targets.length;
    });
  }

  /** Deletes settled messages created before `before`, in chunks (ADR 0076); returns the count. */
  pruneSettled(before: Date, chunk = 5000): Promise<number> {
    // Ids are ULIDs: the id bound uses the primary key, created_at keeps it exact.
    return deleteInChunks(this.db, 'messages', 'id < $1 AND created_at < $2 AND status = ANY($3)', [ulidFloor(before.getTime()), before, [...SETTLED_PROJECTED_STATUSES]], chunk);
  }

  /** Deletes statuses that never found their message, received before `before` (ADR 0076). */
  pruneUnmatchedStatuses(before: Date, chunk = 5000): Promise<number> {
    return deleteInChunks(this.db, 'unmatched_statuses', 'received_at < $1', [before], chunk);
  }
}
