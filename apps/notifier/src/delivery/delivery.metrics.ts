import { counter, gauge, histogram } from '@wabridge/telemetry';

/** Prometheus metrics of webhook delivery (registered once per process). */
export const deliveryMetrics = {
  attempts: counter('notifier_delivery_attempts_total', 'Delivery attempts by outcome (delivered, failed, refused)', ['outcome'] as const),
  dead: counter('notifier_deliveries_dead_total', 'Deliveries given up after the primary and fallback schedules'),
  attemptLatency: histogram('notifier_attempt_duration_seconds', 'One POST to an endpoint (connect to answer)', [] as const, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
  endToEnd: histogram('notifier_event_to_delivery_seconds', 'From the event being stored to its first successful delivery', [] as const, [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600]),
  pending: gauge('notifier_deliveries_pending', 'Deliveries waiting to be sent or retried'),
  inFlight: gauge('notifier_deliveries_in_flight', 'Deliveries being sent by this instance'),
  handedOver: counter('notifier_deliveries_handed_over_total', 'Deliveries leased by the consumer\'s insert and sent without a claim (ADR 0097)'),
  disabled: counter('notifier_endpoints_disabled_total', 'Endpoints disabled after failing for NOTIFIER_DISABLE_AFTER_MS'),
};
