import { Injectable } from '@nestjs/common';
import type { Queryable } from '@wabridge/database';
import { timestamptzArray } from '../database/pg-arrays';
import { MappedEvent } from './public-event.mapper';

export type DeliveryOrigin = 'live' | 'replay' | 'test' | 'notice';

interface EndpointFilter {
  id: string;
  tenant_id: string;
  events: string[] | null;
  phone_number_ids: string[] | null;
}

/** The fast path's lease for one consumed batch (ADR 0097). */
export interface FastLease {
  /** This instance. */
  owner: string;
  /** New for this statement: names the leases it takes. */
  token: string;
  until: Date;
  /** Endpoints holding too much in memory already: no fast path for them. */
  blocked: string[];
}

/** A delivery inserted already leased: its conversation's lease (`token`) is held by this instance. */
export interface HandedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  conversation_key: string;
  token: string;
  /** The lease was this instance's already (a chain in memory continues), not taken by this statement. */
  extended: boolean;
}

/** An event with no number (WABA-level) reaches endpoints that filter by number too. */
export function endpointMatches(ep: Pick<EndpointFilter, 'events' | 'phone_number_ids'>, type: string, phoneNumberId: string | null): boolean {
  if (ep.events && !ep.events.includes(type)) return false;
  if (ep.phone_number_ids && phoneNumberId !== null && !ep.phone_number_ids.includes(phoneNumberId)) return false;
  return true;
}

/**
 * Writes public events (idempotent by id) and one delivery per matching enabled endpoint, in
 * the caller's transaction: an event seen again (Kafka redelivery) creates no delivery.
 */
@Injectable()
export class EventStore {
  /** Returns the number of deliveries created. `exceptEndpoint`: not to this one (notices about it). */
  async write(q: Queryable, events: MappedEvent[], now: Date, options: { origin?: DeliveryOrigin; exceptEndpoint?: string; fanOut?: boolean } = {}): Promise<number> {
    return (await this.writeAndLease(q, events, now, options, null)).created;
  }

  /**
   * `write`, and with `lease` the fast path of ADR 0097 in the same statement: for each
   * (endpoint, conversation) of the batch with nothing pending (or only rows this instance holds),
   * takes the conversation's lease (`conversation_leases`, INSERT … ON CONFLICT: two concurrent
   * writers never both get it) and inserts its deliveries already leased. Those are returned
   * (`leased`) for the worker to send without a claim; the rest wait for the claim path.
   */
  async writeAndLease(
    q: Queryable, events: MappedEvent[], now: Date, options: { origin?: DeliveryOrigin; exceptEndpoint?: string; fanOut?: boolean }, lease: FastLease | null,
  ): Promise<{ created: number; leased: HandedDelivery[]; waiting: { endpoint_id: string; conversation_key: string }[] }> {
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    if (unique.length === 0) return { created: 0, leased: [], waiting: [] };
    // One statement (ADR 0096): the events, and for those new here one delivery per matching
    // enabled endpoint of their tenant, in event order (then endpoint id). Atomic by itself, so a
    // consumed batch needs no transaction around it; an event seen again creates no delivery.
    // The conversation leases are taken before the deliveries get their ids (the insert sorts
    // its input first), in key order (no deadlock between two batches); the leases this instance
    // extends are locked in key order too (`extending`), as the outcome statement locks the ones it
    // gives back: in any order they deadlocked with it (Postgres aborts one after
    // deadlock_timeout, 1 s: the consumer and a whole outcome group stalled; ADR 0200).
    const rows = await q.query<{ id: string; endpoint_id: string; event_id: string; conversation_key: string; token: string | null; extended: boolean | null }[]>(
      `WITH input AS (
         SELECT t.*, b.body FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::timestamptz[])
           WITH ORDINALITY AS t(id, tenant, type, pn, conv, at, ord)
         JOIN jsonb_array_elements($6::jsonb) WITH ORDINALITY AS b(body, ord) ON b.ord = t.ord
       ), ins AS (
         INSERT INTO events (id, tenant_id, type, phone_number_id, conversation_key, body, occurred_at, created_at)
         SELECT i.id, i.tenant, i.type, i.pn, i.conv, i.body, i.at, $8 FROM input i ORDER BY i.ord
         ON CONFLICT (id) DO NOTHING RETURNING id
       ), fan AS (
         SELECT i.ord, e.id AS ep, i.tenant, i.id AS ev, i.conv
         FROM input i JOIN ins ON ins.id = i.id
         JOIN endpoints e ON e.enabled AND e.tenant_id = i.tenant AND e.id IS DISTINCT FROM $10::text
           AND (e.events IS NULL OR i.type = ANY(e.events))
           AND (e.phone_number_ids IS NULL OR i.pn IS NULL OR i.pn = ANY(e.phone_number_ids))
         WHERE $11::boolean
       ), convs AS (
         SELECT DISTINCT f.ep, f.conv,
           NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = f.ep AND p.conversation_key = f.conv AND p.status = 'pending') AS fresh
         FROM fan f
         WHERE $12::text IS NOT NULL AND NOT (f.ep = ANY($15::text[]))
           AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = f.ep AND p.conversation_key = f.conv AND p.status = 'pending'
                           AND (p.locked_until IS NULL OR p.locked_until <= $8))
       ), taken AS (
         INSERT INTO conversation_leases (endpoint_id, conversation_key, owner, token, until)
         SELECT c.ep, c.conv, $12, $13, $14 FROM convs c WHERE c.fresh ORDER BY c.ep, c.conv
         ON CONFLICT (endpoint_id, conversation_key) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token, until = EXCLUDED.until
           WHERE conversation_leases.until <= $8
         RETURNING endpoint_id, conversation_key, token, false AS extended
       ), extending AS MATERIALIZED (
         SELECT l.endpoint_id, l.conversation_key FROM conversation_leases l
         JOIN convs c ON NOT c.fresh AND l.endpoint_id = c.ep AND l.conversation_key = c.conv
         WHERE l.owner = $12 AND l.until > $8
         ORDER BY l.endpoint_id, l.conversation_key FOR UPDATE OF l
       ), extended AS (
         UPDATE conversation_leases l SET until = greatest(l.until, $14)
         FROM extending x WHERE l.endpoint_id = x.endpoint_id AND l.conversation_key = x.conversation_key AND l.owner = $12 AND l.until > $8
         RETURNING l.endpoint_id, l.conversation_key, l.token, true AS extended
       ), held AS (
         SELECT * FROM taken UNION ALL SELECT * FROM extended
       ), dl AS (
         INSERT INTO deliveries (endpoint_id, tenant_id, event_id, origin, conversation_key, status, next_attempt_at, created_at, locked_until)
         SELECT f.ep, f.tenant, f.ev, $9, f.conv, 'pending', $8, $8, CASE WHEN h.token IS NULL THEN NULL ELSE $14::timestamptz END
         FROM fan f LEFT JOIN held h ON h.endpoint_id = f.ep AND h.conversation_key = f.conv
         ORDER BY f.ord, f.ep
         ON CONFLICT DO NOTHING RETURNING id, endpoint_id, event_id, conversation_key, locked_until
       )
       SELECT dl.id::text AS id, dl.endpoint_id, dl.event_id, dl.conversation_key, h.token, h.extended
       FROM dl LEFT JOIN held h ON h.endpoint_id = dl.endpoint_id AND h.conversation_key = dl.conversation_key AND dl.locked_until IS NOT NULL`,
      [
        unique.map((e) => e.id), unique.map((e) => e.tenantId), unique.map((e) => e.type), unique.map((e) => e.phoneNumberId),
        // the bodies as one JSON array, not a text[]: pg escapes every quote of every element of a
        // text[] parameter (~30 µs per event in the bench's profile, ADR 0098)
        // each body serialized once: this array, and the worker sends the same string (ADR 0198)
        unique.map((e) => e.conversationKey), `[${unique.map((e) => (e.json ??= JSON.stringify(e.body))).join(',')}]`, timestamptzArray(unique.map((e) => e.occurredAt)), now,
        options.origin ?? 'live', options.exceptEndpoint ?? null, options.fanOut !== false,
        lease?.owner ?? null, lease?.token ?? null, lease?.until ?? null, lease?.blocked ?? [],
      ],
    );
    const leased: HandedDelivery[] = [];
    const waiting: { endpoint_id: string; conversation_key: string }[] = [];
    for (const r of rows) {
      if (r.token) leased.push({ id: r.id, endpoint_id: r.endpoint_id, event_id: r.event_id, conversation_key: r.conversation_key, token: r.token, extended: r.extended === true });
      else waiting.push({ endpoint_id: r.endpoint_id, conversation_key: r.conversation_key });
    }
    return { created: rows.length, leased, waiting };
  }

  /** Pending deliveries in the given order (their ids keep it: the worker sends each conversation in id order). */
  async insertDeliveries(q: Queryable, rows: { endpoint: string; tenant: string; event: string; conv: string }[], origin: DeliveryOrigin, now: Date): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `INSERT INTO deliveries (endpoint_id, tenant_id, event_id, origin, conversation_key, status, next_attempt_at, created_at)
       SELECT t.ep, t.tenant, t.ev, $5, t.conv, 'pending', $6, $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(ep, tenant, ev, conv, ord)
       ORDER BY t.ord
       ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.endpoint), rows.map((r) => r.tenant), rows.map((r) => r.event), rows.map((r) => r.conv), origin, now],
    );
  }
}
