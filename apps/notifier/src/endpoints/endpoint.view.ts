import { DeliveryLogRow } from '../delivery/deliveries.repository';
import { EndpointRow } from './endpoints.repository';

/** An endpoint as the API shows it (never its secret, except once at creation and rotation). */
export function endpointView(e: EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    fallbackUrl: e.fallback_url,
    events: e.events,
    phoneNumberIds: e.phone_number_ids,
    description: e.description,
    enabled: e.enabled,
    disabledReason: e.disabled_reason,
    failingSince: e.failing_since?.toISOString() ?? null,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}

export function deliveryView(d: DeliveryLogRow) {
  return {
    id: d.id,
    eventId: d.event_id,
    type: d.type,
    origin: d.origin,
    status: d.status,
    target: d.target,
    attempt: d.attempts,
    statusCode: d.last_status_code,
    latencyMs: d.last_latency_ms,
    error: d.last_error,
    nextAttemptAt: d.status === 'pending' ? d.next_attempt_at.toISOString() : null,
    lastAttemptAt: d.last_attempt_at?.toISOString() ?? null,
    createdAt: d.created_at.toISOString(),
    finishedAt: d.finished_at?.toISOString() ?? null,
  };
}
