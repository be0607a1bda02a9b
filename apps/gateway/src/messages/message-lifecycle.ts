import { nextPublicStatus, PublicStatus, publicRankOf } from '@wabridge/contracts';

/**
 * The message projection's view of a message's life (pure). The status machine itself lives
 * in @wabridge/contracts (ADR 0035): the dispatcher owns every transition and emits it on
 * `wa.outbound.events.v1`; this projection only follows those events with the same rules,
 * and keeps every event it hears in the history (lifecycle order).
 */
export type ProjectedStatus = PublicStatus;

export interface ProjectedError {
  class: string;
  code?: number;
  message: string;
}

export interface HistoryEntry {
  status: ProjectedStatus;
  at: string;
  error?: ProjectedError;
}

export interface LifecycleState {
  status: ProjectedStatus;
  history: HistoryEntry[];
  error: ProjectedError | null;
}

export function statusRank(status: ProjectedStatus): number {
  return publicRankOf(status);
}

/** The state after `event`, or null when the event changes nothing (a redelivery). */
export function applyLifecycleEvent(state: LifecycleState, event: HistoryEntry): LifecycleState | null {
  const repeated = state.history.some((h) => h.status === event.status && h.at === event.at);
  if (repeated) return null;
  // The gateway writes `accepted` when it accepts; the dispatcher's own `accepted` (its time,
  // a moment later) is the same step, not a second one.
  if (event.status === 'accepted' && state.history.some((h) => h.status === 'accepted')) return null;
  // Lifecycle order first: Meta's status timestamps have one-second resolution, ours have
  // milliseconds, so "delivered at :26.000" must not sort before "accepted at :26.471".
  const history = [...state.history, event].sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.at.localeCompare(b.at));
  const next = nextPublicStatus(state.status, event.status);
  if (!next) return { status: state.status, history, error: state.error };
  const error = next === 'failed' || next === 'rejected' || next === 'dead-lettered' ? event.error ?? null : null;
  return { status: next, history, error };
}
