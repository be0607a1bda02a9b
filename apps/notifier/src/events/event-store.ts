import { Injectable } from '@nestjs/common';
import { Queryable } from '../database/queryable';
import { MappedEvent } from './public-event.mapper';

export type DeliveryOrigin = 'live' | 'replay' | 'test' | 'notice';

interface EndpointFilter {
  id: string;
  tenant_id: string;
  events: string[] | null;
  phone_number_ids: string[] | null;
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
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    if (unique.length === 0) return 0;
    // One statement (ADR 0096): the events, and for those new here one delivery per matching
    // enabled endpoint of their tenant, in event order (then endpoint id). Atomic by itself, so a
    // consumed batch needs no transaction around it; an event seen again creates no delivery.
    const [row] = await q.query<{ n: string }[]>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
           WITH ORDINALITY AS t(id, tenant, type, pn, conv, body, at, ord)
       ), ins AS (
         INSERT INTO events (id, tenant_id, type, phone_number_id, conversation_key, body, occurred_at, created_at)
         SELECT i.id, i.tenant, i.type, i.pn, i.conv, i.body::jsonb, i.at, $8 FROM input i ORDER BY i.ord
         ON CONFLICT (id) DO NOTHING RETURNING id
       ), dl AS (
         INSERT INTO deliveries (endpoint_id, tenant_id, event_id, origin, conversation_key, status, next_attempt_at, created_at)
         SELECT e.id, i.tenant, i.id, $9, i.conv, 'pending', $8, $8
         FROM input i JOIN ins ON ins.id = i.id
         JOIN endpoints e ON e.enabled AND e.tenant_id = i.tenant AND e.id IS DISTINCT FROM $10::text
           AND (e.events IS NULL OR i.type = ANY(e.events))
           AND (e.phone_number_ids IS NULL OR i.pn IS NULL OR i.pn = ANY(e.phone_number_ids))
         WHERE $11::boolean
         ORDER BY i.ord, e.id
         ON CONFLICT DO NOTHING RETURNING 1
       )
       SELECT (SELECT count(*) FROM dl)::text AS n`,
      [
        unique.map((e) => e.id), unique.map((e) => e.tenantId), unique.map((e) => e.type), unique.map((e) => e.phoneNumberId),
        unique.map((e) => e.conversationKey), unique.map((e) => JSON.stringify(e.body)), unique.map((e) => e.occurredAt), now,
        options.origin ?? 'live', options.exceptEndpoint ?? null, options.fanOut !== false,
      ],
    );
    return Number(row?.n ?? 0);
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
