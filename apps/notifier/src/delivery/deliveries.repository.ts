import { Injectable } from '@nestjs/common';
import { Queryable } from '../database/queryable';

export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  tenant_id: string;
  event_id: string;
  target: 'primary' | 'fallback';
  attempts: number;
  body: Record<string, unknown>;
}

export interface DeliveryLogRow {
  id: string;
  event_id: string;
  type: string;
  origin: string;
  status: string;
  target: string;
  attempts: number;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
}

/** Deliveries: the worker's claims and outcomes, the delivery log, replays. */
@Injectable()
export class DeliveriesRepository {
  /**
   * Due deliveries, at most `perEndpoint` per endpoint (so one endpoint's backlog cannot fill a
   * claim), each the oldest pending of its conversation (order per endpoint + conversation),
   * skipping rows leased by this or another instance. Reads without row locks: `lease` re-checks.
   * "Oldest of its conversation" is a scalar subquery (min id by deliveries_conversation_idx), not
   * NOT EXISTS: the planner turned that into an anti join that scanned every pending delivery of
   * the endpoint per candidate when the table's statistics were stale (a burst into a fresh
   * table), 20–75 ms per claim at 8,000 pending instead of < 1 ms (bench/README.md, notifier).
   */
  async candidates(q: Queryable, now: Date, perEndpoint: number, skipEndpoints: string[]): Promise<{ id: string; endpoint_id: string }[]> {
    return q.query(
      `SELECT c.id::text, c.endpoint_id FROM endpoints e
       CROSS JOIN LATERAL (
         SELECT d.id, d.endpoint_id FROM deliveries d
         WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= $1
           AND (d.locked_until IS NULL OR d.locked_until <= $1)
           AND d.id = (SELECT min(p.id) FROM deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.conversation_key = d.conversation_key
                       AND p.status = 'pending')
         ORDER BY d.id LIMIT $2
       ) c
       WHERE e.enabled AND NOT (e.id = ANY($3))`,
      [now, perEndpoint, skipEndpoints],
    );
  }

  /**
   * Leases those of `ids` that are still due, pending and not leased (ADR 0095: an optimistic
   * claim in one statement; a row another instance leased or finished since `candidates` read it
   * is left out, and being the oldest pending of its conversation cannot have changed while it
   * stayed pending, since later rows have larger ids).
   */
  async lease(q: Queryable, ids: string[], now: Date, until: Date[]): Promise<ClaimedDelivery[]> {
    if (ids.length === 0) return [];
    const [rows] = await q.query<[ClaimedDelivery[], number]>(
      `UPDATE deliveries d SET locked_until = t.until FROM unnest($1::bigint[], $2::timestamptz[]) AS t(id, until), events ev
       WHERE d.id = t.id AND ev.id = d.event_id
         AND d.status = 'pending' AND d.next_attempt_at <= $3 AND (d.locked_until IS NULL OR d.locked_until <= $3)
       RETURNING d.id::text, d.endpoint_id, d.tenant_id, d.event_id, d.target, d.attempts, ev.body`,
      [ids, until, now],
    );
    return rows;
  }

  /** Extends a lease this instance still holds (`held` is its current end); false if it was lost. */
  async renew(q: Queryable, id: string, held: Date, until: Date): Promise<boolean> {
    const [rows] = await q.query<[unknown[], number]>(
      `UPDATE deliveries SET locked_until = $3 WHERE id = $1 AND status = 'pending' AND locked_until = $2 RETURNING id`,
      [id, held, until],
    );
    return rows.length > 0;
  }

  /** Gives leases back (deliveries leased but not attempted, at shutdown). */
  async unlease(q: Queryable, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await q.query(`UPDATE deliveries SET locked_until = NULL WHERE id = ANY($1::bigint[]) AND status = 'pending'`, [ids]);
  }

  /**
   * Successful attempts, many in one statement (one commit: under load the worker groups the
   * outcomes that finished while the previous write was in flight), and the end of the failing
   * streak of the endpoints whose primary URL succeeded.
   */
  async delivered(q: Queryable, rows: { id: string; statusCode?: number; latencyMs: number; at: Date }[], succeededEndpoints: string[]): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `WITH done AS (
         UPDATE deliveries d SET status = 'delivered', attempts = d.attempts + 1, last_status_code = t.code, last_latency_ms = t.latency, last_error = NULL,
           last_attempt_at = t.at, finished_at = t.at, locked_until = NULL
         FROM unnest($1::bigint[], $2::int[], $3::int[], $4::timestamptz[]) AS t(id, code, latency, at)
         WHERE d.id = t.id
         RETURNING d.id
       ), cleared AS (
         UPDATE endpoints SET failing_since = NULL WHERE id = ANY($5::text[]) AND failing_since IS NOT NULL RETURNING id
       )
       SELECT (SELECT count(*) FROM done) AS delivered, (SELECT count(*) FROM cleared) AS cleared`,
      [rows.map((r) => r.id), rows.map((r) => r.statusCode ?? null), rows.map((r) => r.latencyMs), rows.map((r) => r.at), succeededEndpoints],
    );
  }

  async failed(q: Queryable, id: string, r: { statusCode?: number; latencyMs: number; error?: string }, next: { target: string; at: Date } | null, now: Date): Promise<void> {
    await q.query(
      `UPDATE deliveries SET attempts = attempts + 1, last_status_code = $2, last_latency_ms = $3, last_error = $4, last_attempt_at = $5::timestamptz,
         locked_until = NULL,
         status = CASE WHEN $6::timestamptz IS NULL THEN 'dead' ELSE 'pending' END,
         finished_at = CASE WHEN $6::timestamptz IS NULL THEN $5::timestamptz ELSE NULL END,
         next_attempt_at = COALESCE($6::timestamptz, next_attempt_at), target = COALESCE($7::text, target)
       WHERE id = $1`,
      [id, r.statusCode ?? null, r.latencyMs, r.error?.slice(0, 1000) ?? null, now, next?.at ?? null, next?.target ?? null],
    );
  }

  /** A test send: one attempt, recorded as finished. */
  async recordTest(q: Queryable, endpointId: string, tenantId: string, eventId: string, r: { ok: boolean; statusCode?: number; latencyMs: number; error?: string }, now: Date): Promise<string> {
    const [row] = await q.query<{ id: string }[]>(
      `INSERT INTO deliveries (endpoint_id, tenant_id, event_id, origin, conversation_key, status, attempts, next_attempt_at, last_status_code,
         last_latency_ms, last_error, last_attempt_at, created_at, finished_at)
       VALUES ($1, $2, $3, 'test', 'test', $4, 1, $5, $6, $7, $8, $5, $5, $5) RETURNING id::text`,
      [endpointId, tenantId, eventId, r.ok ? 'delivered' : 'dead', now, r.statusCode ?? null, r.latencyMs, r.error ?? null],
    );
    return row!.id;
  }

  async log(q: Queryable, tenantId: string, endpointId: string, opts: { status?: string; before?: string; limit: number }): Promise<DeliveryLogRow[]> {
    return q.query<DeliveryLogRow[]>(
      `SELECT d.id::text, d.event_id, ev.type, d.origin, d.status, d.target, d.attempts, d.last_status_code, d.last_latency_ms, d.last_error,
         d.next_attempt_at, d.last_attempt_at, d.created_at, d.finished_at
       FROM deliveries d JOIN events ev ON ev.id = d.event_id
       WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND ($3::text IS NULL OR d.status = $3) AND ($4::bigint IS NULL OR d.id < $4)
       ORDER BY d.id DESC LIMIT $5`,
      [tenantId, endpointId, opts.status ?? null, opts.before ?? null, opts.limit],
    );
  }

  /** Events of the tenant in [since, until) matching the endpoint's filters and `types`, oldest first. */
  async replayable(q: Queryable, tenantId: string, since: Date, until: Date, types: string[] | null, limit: number): Promise<{ id: string; type: string; phone_number_id: string | null; conversation_key: string }[]> {
    return q.query(
      `SELECT id, type, phone_number_id, conversation_key FROM events
       WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND ($4::text[] IS NULL OR type = ANY($4))
       ORDER BY occurred_at, id LIMIT $5`,
      [tenantId, since, until, types, limit],
    );
  }

  async pendingCount(q: Queryable): Promise<number> {
    const [r] = await q.query<{ n: string }[]>(`SELECT count(*)::text AS n FROM deliveries WHERE status = 'pending'`);
    return Number(r?.n ?? 0);
  }

  /** Retention: finished deliveries, then events no delivery still needs. */
  async prune(q: Queryable, before: Date, chunk: number): Promise<number> {
    const [, d] = await q.query<[unknown[], number]>(
      `DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE status <> 'pending' AND created_at < $1 LIMIT $2)`,
      [before, chunk],
    );
    const [, e] = await q.query<[unknown[], number]>(
      `DELETE FROM events WHERE id IN (SELECT ev.id FROM events ev WHERE ev.created_at < $1
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = ev.id AND d.status = 'pending') LIMIT $2)`,
      [before, chunk],
    );
    return d + e;
  }
}
