/**
 * The status machine of the message projection (pure). Statuses only move forward:
 * accepted → sent → delivered → read/played; a failure (rejected, failed, dead-lettered) ends
 * a message that was not yet delivered; late or repeated events only add to the history.
 */
export type ProjectedStatus =
  | 'accepted' | 'retry-scheduled' | 'sent' | 'delivered' | 'read' | 'played' | 'rejected' | 'failed' | 'dead-lettered';

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

const PROGRESS: Record<string, number> = { accepted: 0, 'retry-scheduled': 1, sent: 2, delivered: 3, read: 4, played: 5 };
const FAILURES = new Set<ProjectedStatus>(['rejected', 'failed', 'dead-lettered']);
const FAILURE_RANK = 10;

export function statusRank(status: ProjectedStatus): number {
  return FAILURES.has(status) ? FAILURE_RANK : PROGRESS[status] ?? 0;
}

export function isProjectedStatus(s: string): s is ProjectedStatus {
  return s in PROGRESS || FAILURES.has(s as ProjectedStatus);
}

/** The state after `event`, or null when the event changes nothing (a redelivery). */
export function applyLifecycleEvent(state: LifecycleState, event: HistoryEntry): LifecycleState | null {
  const repeated = state.history.some((h) => h.status === event.status && (h.status !== 'retry-scheduled' || h.at === event.at));
  if (repeated) return null;
  // Lifecycle order first: Meta's status timestamps have one-second resolution, ours have
  // milliseconds, so "delivered at :26.000" must not sort before "accepted at :26.471".
  const history = [...state.history, event].sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.at.localeCompare(b.at));
  let { status, error } = state;
  const currentFailed = FAILURES.has(status);
  if (FAILURES.has(event.status)) {
    // A failure ends a message that was not delivered yet; after delivery it is only history.
    if (!currentFailed && (PROGRESS[status] ?? 0) < PROGRESS.delivered!) {
      status = event.status;
      error = event.error ?? null;
    }
  } else {
    const rank = PROGRESS[event.status]!;
    // Delivery proves a failure report wrong (e.g. a retry that succeeded after all).
    if (currentFailed ? rank >= PROGRESS.delivered! : rank > (PROGRESS[status] ?? 0)) {
      status = event.status;
      if (currentFailed) error = null;
    }
  }
  return { status, history, error };
}
