import type { OutboundEventKind } from './outbound-event.v1';

/**
 * The one status machine of an outbound message (ADR 0035). The dispatcher owns every
 * transition and emits each one on `wa.outbound.events.v1`; every other service (the
 * gateway's projection, notifier, analytics) only follows those events with
 * `nextPublicStatus`, so no two services can disagree about where a message is.
 *
 * Internal states (dispatcher) before Meta accepted the message: accepted (we own it),
 * scheduled (waiting for a slot, a retry or its `sendAt`), paused (number paused, held),
 * attempting (Graph call in flight or its outcome unknown). Progress only moves forward;
 * `failed` is reachable from any non-final state and is final, like `rejected`.
 */
export type MessageState =
  | 'accepted' | 'scheduled' | 'paused' | 'attempting'
  | 'sent' | 'delivered' | 'read' | 'played'
  | 'failed' | 'rejected';

const RANK: Record<MessageState, number> = {
  accepted: 0, scheduled: 0, paused: 0, attempting: 0,
  sent: 1, delivered: 2, read: 3, played: 4,
  failed: 9, rejected: 9,
};

export const FINAL_STATES: ReadonlySet<MessageState> = new Set(['failed', 'rejected']);
/** States in which the dispatcher's work is done (Meta has it, or it ended). */
export const SETTLED_STATES: ReadonlySet<MessageState> = new Set(['sent', 'delivered', 'read', 'played', 'failed', 'rejected']);
/** States in which a message is still on its way (nothing final yet): the reconciler watches these. */
export const LIVE_STATES: ReadonlySet<MessageState> = new Set(['accepted', 'scheduled', 'attempting']);

export type MetaStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export function isMetaStatus(s: string): s is MetaStatus {
  return s === 'sent' || s === 'delivered' || s === 'read' || s === 'played' || s === 'failed';
}

/** The state after applying a Meta status, or null when it changes nothing. */
export function nextState(current: MessageState, incoming: MetaStatus): MetaStatus | null {
  if (FINAL_STATES.has(current)) return null;
  if (incoming === 'failed') return 'failed';
  // read after played (voice) would be backwards; played after read is forward.
  return RANK[incoming] > RANK[current] ? incoming : null;
}

export function rankOf(s: MessageState): number {
  return RANK[s];
}

/**
 * The public status of a message, as its events tell it (`GET /v1/messages/:id`, webhooks):
 * the event kinds of `wa.outbound.events.v1`, plus the two states of a scheduled send the
 * gateway holds before it reaches the dispatcher (ADR 0150): `scheduled` (waiting for its
 * `sendAt`, cancellable) and `cancelled` (final; never given to the dispatcher).
 */
export type PublicStatus = OutboundEventKind | 'scheduled' | 'cancelled';

const PUBLIC_RANK: Record<PublicStatus, number> = {
  scheduled: -1,
  accepted: 0, 'retry-scheduled': 1, sent: 2, delivered: 3, read: 4, played: 5,
  rejected: 10, failed: 10, 'dead-lettered': 10, cancelled: 10,
};

export const FINAL_PUBLIC_STATUSES: ReadonlySet<PublicStatus> = new Set(['rejected', 'failed', 'dead-lettered', 'cancelled']);

export function publicRankOf(s: PublicStatus): number {
  return PUBLIC_RANK[s];
}

/**
 * The public status after `event`, or null when the event only adds to the history (a
 * redelivery, or a late event of an earlier step). Mirrors `nextState`: failures are final
 * and reachable from any non-final status; progress only moves forward; a retry is scheduled
 * only before delivery (the dispatcher re-sends a message Meta dropped after `sent`).
 */
export function nextPublicStatus(current: PublicStatus, event: PublicStatus): PublicStatus | null {
  if (FINAL_PUBLIC_STATUSES.has(current)) return null;
  if (FINAL_PUBLIC_STATUSES.has(event)) return event;
  if (event === 'retry-scheduled') return PUBLIC_RANK[current] < PUBLIC_RANK.delivered && current !== 'retry-scheduled' ? event : null;
  if (current === 'retry-scheduled') return PUBLIC_RANK[event] >= PUBLIC_RANK.sent ? event : null;
  return PUBLIC_RANK[event] > PUBLIC_RANK[current] ? event : null;
}
