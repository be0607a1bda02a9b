/**
 * An outbound message's status. Progress only moves forward; `failed` is reachable from any
 * non-final state; out-of-order or duplicate statuses are ignored (read before delivered is
 * fine: delivered afterwards changes nothing).
 *
 * Internal states before Meta accepted the message: accepted (we own it), scheduled
 * (waiting for a slot/retry), paused (number paused, held), attempting (Graph call in flight
 * or outcome unknown).
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
