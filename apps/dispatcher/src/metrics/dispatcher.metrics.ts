import { counter, gauge, histogram } from '@wabridge/telemetry';

/** The dispatcher's Prometheus series (names are the operations contract; see docs/dispatcher.md). */
export const metrics = {
  sends: counter('dispatcher_graph_sends_total', 'Graph send calls by outcome', ['phone_number_id', 'outcome'] as const),
  errors: counter('dispatcher_errors_total', 'Graph/status errors by class and code', ['class', 'code', 'source'] as const),
  rejected: counter('dispatcher_rejected_total', 'Requests rejected before any Graph call', ['reason'] as const),
  retries: counter('dispatcher_retries_scheduled_total', 'Messages scheduled for a later attempt', ['reason'] as const),
  dlq: counter('dispatcher_dead_lettered_total', 'Messages written to wa.outbound.dlq.v1', [] as const),
  reconciliations: counter('dispatcher_reconciliations_total', 'Attempts whose outcome was unknown: settled by a webhook, or resent after the timeout', ['outcome'] as const),
  duplicates: counter('dispatcher_duplicates_skipped_total', 'Redelivered or stale copies skipped', ['why'] as const),
  queueDelay: histogram('dispatcher_queue_delay_seconds', 'From request to Graph call', [] as const, [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300]),
  gateWait: histogram('dispatcher_send_gate_wait_seconds', 'Wait at the per-number gate right before the Graph call (bunched sends spread again)', [] as const, [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5]),
  graphLatency: histogram('dispatcher_graph_latency_seconds', 'Graph send call duration', [] as const, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10]),
  statusTransitions: counter('dispatcher_status_transitions_total', 'Status machine transitions', ['status'] as const),
  pausedNumbers: gauge('dispatcher_paused_numbers', 'Numbers paused for auth/config errors', [] as const),
  overdueRequeued: counter('dispatcher_overdue_requeued_total', 'Live messages with no copy left (crash between two writes) re-queued by the reconciler sweep', ['status'] as const),
  heldMessages: counter('dispatcher_held_messages_total', 'Messages held because their number is paused', [] as const),
};
