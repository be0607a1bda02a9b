import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consumer statement as a PL/pgSQL function (ADR 0209): the statement `EventStore.writeAndLease`
 * sent (events and their deliveries, ADR 0096; the fast path's leases, ADR 0097/0197; leases taken
 * and extended in key order, ADR 0200), same semantics, planned once per session instead of for
 * every consumed batch (planning was ~1.2 ms of a batch of ~100 events in the bench). How the one
 * plan stays good whatever the tables held when it was made:
 * - `plan_cache_mode = force_generic_plan`: the plan is made once. The batch is read by position
 *   (`generate_series` over the arrays), which the planner estimates at 1,000 rows without knowing
 *   the arrays: the joins between the batch's own rows (events inserted, deliveries and the leases
 *   held) are hash joins, not nested loops over the whole batch. With `unnest` (estimated at 10
 *   rows) they were nested loops, and PL/pgSQL kept custom plans for `generate_series` (each
 *   planned again) unless the generic plan is forced.
 * - The two probes of pending deliveries are subqueries that cannot become joins (`OFFSET 0`):
 *   always an index probe per (endpoint, conversation), never a scan of every pending delivery
 *   (a generic plan made on an empty table did that: 4x the CPU once 2,000 were pending).
 * - `enable_seqscan = off`: the tables are read by index even if the plan was made when they were
 *   small (endpoints: a scan of `endpoints_tenant_idx`, as the statement's own plans scanned the
 *   table; conversation leases: probes by primary key).
 */
export class WriteAndLeaseFunction1766000000400 implements MigrationInterface {
  name = 'WriteAndLeaseFunction1766000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION notifier_write_and_lease(
        p_ids text[], p_tenants text[], p_types text[], p_pns text[], p_convs text[], p_bodies jsonb, p_ats timestamptz[],
        p_now timestamptz, p_origin text, p_except text, p_fan_out boolean,
        p_owner text, p_token text, p_until timestamptz, p_blocked text[])
      RETURNS TABLE (o_id text, o_endpoint_id text, o_event_id text, o_conversation_key text, o_token text, o_extended boolean)
      LANGUAGE plpgsql
      SET enable_seqscan = off SET plan_cache_mode = force_generic_plan
      AS $fn$
      BEGIN
        RETURN QUERY
        WITH input AS (
          SELECT p_ids[g.ord] AS id, p_tenants[g.ord] AS tenant, p_types[g.ord] AS type, p_pns[g.ord] AS pn, p_convs[g.ord] AS conv,
            p_ats[g.ord] AS at, g.ord, p_bodies -> (g.ord - 1) AS body
          FROM generate_series(1, cardinality(p_ids)) AS g(ord)
        ), ins AS (
          INSERT INTO events (id, tenant_id, type, phone_number_id, conversation_key, body, occurred_at, created_at)
          SELECT i.id, i.tenant, i.type, i.pn, i.conv, i.body, i.at, p_now FROM input i ORDER BY i.ord
          ON CONFLICT (id) DO NOTHING RETURNING id
        ), fan AS (
          SELECT i.ord, e.id AS ep, i.tenant, i.id AS ev, i.conv
          FROM input i JOIN ins ON ins.id = i.id
          JOIN endpoints e ON e.enabled AND e.tenant_id = i.tenant AND e.id IS DISTINCT FROM p_except
            AND (e.events IS NULL OR i.type = ANY(e.events))
            AND (e.phone_number_ids IS NULL OR i.pn IS NULL OR i.pn = ANY(e.phone_number_ids))
          WHERE p_fan_out
        ), convs AS (
          SELECT DISTINCT f.ep, f.conv,
            NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = f.ep AND p.conversation_key = f.conv AND p.status = 'pending' OFFSET 0) AS fresh
          FROM fan f
          WHERE p_owner IS NOT NULL AND NOT (f.ep = ANY(p_blocked))
            AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = f.ep AND p.conversation_key = f.conv AND p.status = 'pending'
                            AND (p.locked_until IS NULL OR p.locked_until <= p_now) OFFSET 0)
        ), taken AS (
          INSERT INTO conversation_leases (endpoint_id, conversation_key, owner, token, until)
          SELECT c.ep, c.conv, p_owner, p_token, p_until FROM convs c WHERE c.fresh ORDER BY c.ep, c.conv
          ON CONFLICT (endpoint_id, conversation_key) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token, until = EXCLUDED.until
            WHERE conversation_leases.until <= p_now
          RETURNING conversation_leases.endpoint_id, conversation_leases.conversation_key, conversation_leases.token, false AS extended
        ), extending AS MATERIALIZED (
          SELECT l.endpoint_id, l.conversation_key FROM conversation_leases l
          JOIN convs c ON NOT c.fresh AND l.endpoint_id = c.ep AND l.conversation_key = c.conv
          WHERE l.owner = p_owner AND l.until > p_now
          ORDER BY l.endpoint_id, l.conversation_key FOR UPDATE OF l
        ), extended AS (
          UPDATE conversation_leases l SET until = greatest(l.until, p_until)
          FROM extending x WHERE l.endpoint_id = x.endpoint_id AND l.conversation_key = x.conversation_key AND l.owner = p_owner AND l.until > p_now
          RETURNING l.endpoint_id, l.conversation_key, l.token, true AS extended
        ), held AS (
          SELECT * FROM taken UNION ALL SELECT * FROM extended
        ), dl AS (
          INSERT INTO deliveries (endpoint_id, tenant_id, event_id, origin, conversation_key, status, next_attempt_at, created_at, locked_until)
          SELECT f.ep, f.tenant, f.ev, p_origin, f.conv, 'pending', p_now, p_now, CASE WHEN h.token IS NULL THEN NULL ELSE p_until END
          FROM fan f LEFT JOIN held h ON h.endpoint_id = f.ep AND h.conversation_key = f.conv
          ORDER BY f.ord, f.ep
          ON CONFLICT DO NOTHING RETURNING deliveries.id, deliveries.endpoint_id, deliveries.event_id, deliveries.conversation_key, deliveries.locked_until
        )
        SELECT dl.id::text, dl.endpoint_id, dl.event_id, dl.conversation_key, h.token, h.extended
        FROM dl LEFT JOIN held h ON h.endpoint_id = dl.endpoint_id AND h.conversation_key = dl.conversation_key AND dl.locked_until IS NOT NULL;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS notifier_write_and_lease(text[], text[], text[], text[], text[], jsonb, timestamptz[], timestamptz, text, text, boolean, text, text, timestamptz, text[])`);
  }
}
