import { Injectable } from '@nestjs/common';
import type { Queryable } from '@wabridge/database';
import { bigintArray, intArray, timestamptzArray } from '../database/pg-arrays';

export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  tenant_id: string;
  event_id: string;
  target: 'primary' | 'fallback';
  attempts: number;
  body: Record<string, unknown>;
  conversation_key: string;
  /** Its own lease (`locked_until`) as this instance set it. */
  until: Date;
  /** `body` serialized once, when the consumer stored it (fresh deliveries handed over; ADR 0198). */
  payload?: string;
  /** When the event occurred (epoch ms), when known without parsing the body. */
  occurredMs?: number;
}

/** A conversation lease this instance holds (ADR 0097). */
export interface LeaseRef {
  endpointId: string;
  conv: string;
  token: string;
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
           AND NOT EXISTS (SELECT 1 FROM conversation_leases l WHERE l.endpoint_id = d.endpoint_id AND l.conversation_key = d.conversation_key
                           AND l.until > $1)
         ORDER BY d.id LIMIT $2
       ) c
       WHERE e.enabled AND NOT (e.id = ANY($3))`,
      [now, perEndpoint, skipEndpoints],
    );
  }

  /**
   * `candidates` for the given conversations only (ADR 0197): the oldest pending delivery of each,
   * if it is due, not leased and its conversation not held. One probe of
   * deliveries_conversation_idx per conversation: the worker asks this for conversations it knows
   * deliveries wait in, instead of walking every pending row of the endpoint (during a burst
   * mostly rows already handed over and leased).
   */
  async heads(q: Queryable, now: Date, keys: { endpointId: string; conv: string }[]): Promise<{ id: string; endpoint_id: string }[]> {
    if (keys.length === 0) return [];
    return q.query(
      `SELECT h.id::text, h.endpoint_id
       FROM unnest($1::text[], $2::text[]) AS k(ep, conv)
       JOIN endpoints e ON e.id = k.ep AND e.enabled
       CROSS JOIN LATERAL (
         SELECT d.id, d.endpoint_id, d.next_attempt_at, d.locked_until FROM deliveries d
         WHERE d.endpoint_id = k.ep AND d.conversation_key = k.conv AND d.status = 'pending'
         ORDER BY d.id LIMIT 1
       ) h
       WHERE h.next_attempt_at <= $3 AND (h.locked_until IS NULL OR h.locked_until <= $3)
         AND NOT EXISTS (SELECT 1 FROM conversation_leases l WHERE l.endpoint_id = k.ep AND l.conversation_key = k.conv AND l.until > $3)
       ORDER BY h.id`,
      [keys.map((k) => k.endpointId), keys.map((k) => k.conv), now],
    );
  }

  /**
   * Leases those of `ids` that are still due, pending and not leased, each with its conversation's
   * lease (ADR 0097: taken with INSERT … ON CONFLICT, or taken over once expired; a conversation
   * another writer holds is left out). ADR 0095: an optimistic claim in one statement; a row
   * another instance leased or finished since `candidates` read it is left out, and being the
   * oldest pending of its conversation cannot have changed while it stayed pending.
   *
   * With the conversation's lease the claim also takes the due, unleased deliveries behind the
   * candidate in that conversation, in id order, up to `perConversation` (ADR 0197): a
   * conversation that entered the claim path leaves it in one claim instead of one claim per
   * delivery. Only an unbroken run from the candidate is taken (the first row that is not due or
   * is leased ends it), and rows after one that the update left out (finished or changed since
   * the snapshot) are returned in `gaps` to be given back, never sent out of order.
   * `orphans`: conversation leases taken for a row that was not leased after all (release them).
   */
  async lease(
    q: Queryable, ids: string[], now: Date, until: Date[], owner: string, token: string, perConversation = 1,
  ): Promise<{ claimed: ClaimedDelivery[]; orphans: LeaseRef[]; gaps: { id: string; until: Date }[] }> {
    if (ids.length === 0) return { claimed: [], orphans: [], gaps: [] };
    const rows = await q.query<(Omit<ClaimedDelivery, 'until'> & { until: Date; kind: 'leased' | 'orphan' | 'gap' })[]>(
      `WITH c AS (
         SELECT DISTINCT ON (d.endpoint_id, d.conversation_key) d.id, d.endpoint_id, d.conversation_key, t.until
         FROM unnest($1::bigint[], $2::timestamptz[]) AS t(id, until) JOIN deliveries d ON d.id = t.id
         WHERE d.status = 'pending' AND d.next_attempt_at <= $3 AND (d.locked_until IS NULL OR d.locked_until <= $3)
         ORDER BY d.endpoint_id, d.conversation_key, d.id
       ), lk AS (
         INSERT INTO conversation_leases (endpoint_id, conversation_key, owner, token, until)
         SELECT c.endpoint_id, c.conversation_key, $4, $5, c.until FROM c ORDER BY c.endpoint_id, c.conversation_key
         ON CONFLICT (endpoint_id, conversation_key) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token, until = EXCLUDED.until
           WHERE conversation_leases.until <= $3
         RETURNING endpoint_id, conversation_key
       ), run AS (
         SELECT r.id, c.endpoint_id, c.conversation_key, c.until
         FROM c JOIN lk ON lk.endpoint_id = c.endpoint_id AND lk.conversation_key = c.conversation_key
         CROSS JOIN LATERAL (
           SELECT x.id FROM (
             SELECT p.id, bool_and(p.next_attempt_at <= $3 AND (p.locked_until IS NULL OR p.locked_until <= $3)) OVER (ORDER BY p.id) AS ok
             FROM deliveries p
             WHERE p.endpoint_id = c.endpoint_id AND p.conversation_key = c.conversation_key AND p.status = 'pending' AND p.id >= c.id
             ORDER BY p.id LIMIT $6
           ) x WHERE x.ok
         ) r
       ), up AS (
         UPDATE deliveries d SET locked_until = run.until FROM run, events ev
         WHERE d.id = run.id AND ev.id = d.event_id
           AND d.status = 'pending' AND d.next_attempt_at <= $3 AND (d.locked_until IS NULL OR d.locked_until <= $3)
         RETURNING d.id, d.endpoint_id, d.tenant_id, d.event_id, d.target, d.attempts, ev.body, d.conversation_key, d.locked_until AS until
       ), gap AS (
         SELECT run.endpoint_id, run.conversation_key, min(run.id) AS first
         FROM run WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.id = run.id) GROUP BY run.endpoint_id, run.conversation_key
       )
       SELECT up.id::text, up.endpoint_id, up.tenant_id, up.event_id, up.target, up.attempts, up.body, up.conversation_key, up.until,
         CASE WHEN gap.first IS NULL OR up.id < gap.first THEN 'leased' ELSE 'gap' END AS kind
       FROM up LEFT JOIN gap ON gap.endpoint_id = up.endpoint_id AND gap.conversation_key = up.conversation_key
       UNION ALL
       SELECT NULL, lk.endpoint_id, NULL, NULL, NULL, NULL, NULL, lk.conversation_key, NULL, 'orphan' FROM lk
       WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.endpoint_id = lk.endpoint_id AND up.conversation_key = lk.conversation_key
                         AND (NOT EXISTS (SELECT 1 FROM gap WHERE gap.endpoint_id = up.endpoint_id AND gap.conversation_key = up.conversation_key)
                              OR up.id < (SELECT gap.first FROM gap WHERE gap.endpoint_id = up.endpoint_id AND gap.conversation_key = up.conversation_key)))`,
      [ids, until, now, owner, token, Math.max(1, perConversation)],
    );
    const claimed: ClaimedDelivery[] = [];
    const orphans: LeaseRef[] = [];
    const gaps: { id: string; until: Date }[] = [];
    for (const { kind, ...r } of rows) {
      if (kind === 'leased') claimed.push(r as ClaimedDelivery);
      else if (kind === 'gap') gaps.push({ id: r.id, until: r.until });
      else orphans.push({ endpointId: r.endpoint_id, conv: r.conversation_key, token });
    }
    return { claimed, orphans, gaps };
  }

  /** Extends a conversation lease this instance still holds, and the lease of the delivery about to start; false if it was lost. */
  async renew(q: Queryable, lease: LeaseRef, deliveryId: string, now: Date, until: Date): Promise<boolean> {
    const [row] = await q.query<{ n: number }[]>(
      `WITH l AS (
         UPDATE conversation_leases SET until = $5 WHERE endpoint_id = $1 AND conversation_key = $2 AND token = $3 AND until > $4 RETURNING 1
       ), d AS (
         UPDATE deliveries SET locked_until = $5 WHERE id = $6 AND status = 'pending' AND EXISTS (SELECT 1 FROM l) RETURNING 1
       )
       SELECT (SELECT count(*) FROM l)::int AS n, (SELECT count(*) FROM d)::int AS m`,
      [lease.endpointId, lease.conv, lease.token, now, until, deliveryId],
    );
    return (row?.n ?? 0) > 0;
  }

  /**
   * Gives leases back: deliveries leased here but not attempted (only while they still carry the
   * lease this instance set), and conversation leases by their token (locked in key order, like
   * every statement that changes leases: ADR 0200).
   */
  async release(q: Queryable, leases: LeaseRef[], rows: { id: string; until: Date }[]): Promise<void> {
    if (leases.length === 0 && rows.length === 0) return;
    await q.query(
      `WITH r AS (
         UPDATE deliveries d SET locked_until = NULL FROM unnest($1::bigint[], $2::timestamptz[]) AS t(id, until)
         WHERE d.id = t.id AND d.status = 'pending' AND d.locked_until = t.until RETURNING 1
       ), releasing AS MATERIALIZED (
         SELECT l.endpoint_id, l.conversation_key FROM conversation_leases l
         JOIN unnest($3::text[], $4::text[], $5::text[]) AS t(ep, conv, token) ON l.endpoint_id = t.ep AND l.conversation_key = t.conv AND l.token = t.token
         ORDER BY l.endpoint_id, l.conversation_key FOR UPDATE OF l
       ), l AS (
         DELETE FROM conversation_leases l USING releasing x
         WHERE l.endpoint_id = x.endpoint_id AND l.conversation_key = x.conversation_key RETURNING 1
       )
       SELECT (SELECT count(*) FROM r) AS r, (SELECT count(*) FROM l) AS l`,
      [rows.map((r) => r.id), rows.map((r) => r.until), leases.map((l) => l.endpointId), leases.map((l) => l.conv), leases.map((l) => l.token)],
    );
  }

  /**
   * Successful attempts, many in one statement (one commit: under load the worker groups the
   * outcomes that finished while the previous write was in flight), and the end of the failing
   * streak of the endpoints whose primary URL succeeded.
   *
   * The leases given back are locked in key order first (`releasing`), as the consumer's
   * statement locks the leases it extends: in any order the two deadlocked (ADR 0200).
   *
   * Committed asynchronously (ADR 0098: `synchronous_commit` off for this statement's
   * transaction only): the commit does not wait for the WAL flush. A notifier crash loses
   * nothing (Postgres has the commit); a Postgres crash may lose the last few hundred ms of
   * outcomes — always a suffix of the WAL, so those deliveries are pending again and sent again,
   * in order, with their event ids (at least once). Events, deliveries and Kafka offsets are
   * still committed synchronously.
   */
  async delivered(q: Queryable, rows: { id: string; statusCode?: number; latencyMs: number; at: Date }[], succeededEndpoints: string[], releases: LeaseRef[] = []): Promise<void> {
    if (rows.length === 0) return;
    // the statement is the function `notifier_delivered` (migration 1766000000300, ADR 0208): planned once per
    // session by PL/pgSQL, not for every group; its SQL is the statement this method sent before
    await q.query(
      `SELECT notifier_delivered($1::bigint[], $2::int[], $3::int[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[])`,
      [
        // as array literals, not arrays pg converts element by element (ADR 0201)
        bigintArray(rows.map((r) => r.id)), intArray(rows.map((r) => r.statusCode)), intArray(rows.map((r) => r.latencyMs)), timestamptzArray(rows.map((r) => r.at)),
        succeededEndpoints,
        releases.map((l) => l.endpointId), releases.map((l) => l.conv), releases.map((l) => l.token),
      ],
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
