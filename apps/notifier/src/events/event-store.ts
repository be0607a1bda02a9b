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
    // extends are locked in key order too, as the outcome statement locks the ones it gives back:
    // in any order they deadlocked with it (Postgres aborts one after deadlock_timeout, 1 s: the
    // consumer and a whole outcome group stalled; ADR 0200).
    // The statement is the function `notifier_write_and_lease` (migration 1766000000400, ADR 0209):
    // planned once per session by PL/pgSQL, not for every batch; its SQL lives in the migration.
    const rows = await q.query<{ id: string; endpoint_id: string; event_id: string; conversation_key: string; token: string | null; extended: boolean | null }[]>(
      `SELECT o_id AS id, o_endpoint_id AS endpoint_id, o_event_id AS event_id, o_conversation_key AS conversation_key, o_token AS token, o_extended AS extended
       FROM notifier_write_and_lease($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb, $7::timestamptz[], $8::timestamptz, $9::text, $10::text,
         $11::boolean, $12::text, $13::text, $14::timestamptz, $15::text[])`,
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
