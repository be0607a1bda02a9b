import type { MessageStatus, OutboundEventKind } from '@wabridge/contracts';

/** The statuses an outbound message shows in the history, in the order they can follow each other. */
export type HistoryStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'rejected' | 'dead-lettered';

/**
 * Rank of each status (ADR 0130): a status replaces the shown one only with a higher rank, and
 * nothing replaces a final one (≥ FINAL_RANK). The same rule as `nextPublicStatus` in
 * libs/contracts, kept as numbers because it runs inside the upsert (concurrent consumers of
 * different topics write the same row). `retry-scheduled` is not shown: the message is still
 * on its way.
 */
export const STATUS_RANK: Record<HistoryStatus, number> = {
  accepted: 0, sent: 2, delivered: 3, read: 4, played: 5, failed: 10, rejected: 10, 'dead-lettered': 10,
};
export const FINAL_RANK = 10;

/** The dispatcher's lifecycle events that change what the history shows. */
export function statusOfEvent(kind: OutboundEventKind): HistoryStatus | null {
  return kind === 'retry-scheduled' ? null : kind;
}

/**
 * Meta's statuses that move a message forward. `failed` is left to the dispatcher: it may send
 * the message again after a transient asynchronous failure, and says `failed` on
 * wa.outbound.events.v1 only when the failure is final. `deleted`/`warning` change nothing shown.
 */
export function statusOfWebhook(s: MessageStatus): HistoryStatus | null {
  return s === 'sent' || s === 'delivered' || s === 'read' || s === 'played' ? s : null;
}
