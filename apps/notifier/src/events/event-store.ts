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
    const inserted = await q.query<{ id: string }[]>(
      `INSERT INTO events (id, tenant_id, type, phone_number_id, conversation_key, body, occurred_at, created_at)
       SELECT t.id, t.tenant, t.type, t.pn, t.conv, t.body::jsonb, t.at, $8
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS t(id, tenant, type, pn, conv, body, at)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        unique.map((e) => e.id), unique.map((e) => e.tenantId), unique.map((e) => e.type), unique.map((e) => e.phoneNumberId),
        unique.map((e) => e.conversationKey), unique.map((e) => JSON.stringify(e.body)), unique.map((e) => e.occurredAt), now,
      ],
    );
    const fresh = new Set(inserted.map((r) => r.id));
    const created = unique.filter((e) => fresh.has(e.id));
    if (created.length === 0 || options.fanOut === false) return 0;
    const endpoints = await q.query<EndpointFilter[]>(
      `SELECT id, tenant_id, events, phone_number_ids FROM endpoints WHERE enabled AND tenant_id = ANY($1) ORDER BY id`,
      [[...new Set(created.map((e) => e.tenantId))]],
    );
    const rows: { endpoint: string; tenant: string; event: string; conv: string }[] = [];
    for (const e of created) {
      for (const ep of endpoints) {
        if (ep.tenant_id !== e.tenantId || ep.id === options.exceptEndpoint) continue;
        if (endpointMatches(ep, e.type, e.phoneNumberId)) rows.push({ endpoint: ep.id, tenant: e.tenantId, event: e.id, conv: e.conversationKey });
      }
    }
    await this.insertDeliveries(q, rows, options.origin ?? 'live', now);
    return rows.length;
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
