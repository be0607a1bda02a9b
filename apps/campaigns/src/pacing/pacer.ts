import type { MessagingTier } from '@wabridge/contracts';

const DAY_MS = 86_400_000;

/** Unique recipients a tier allows per moving 24 h (Meta's messaging limit, DESIGN.md §5). */
export function tierLimit(tier: MessagingTier | string): number {
  if (tier === 'unlimited') return Number.POSITIVE_INFINITY;
  const n = Number(tier);
  return Number.isFinite(n) && n > 0 ? n : 250;
}

export interface PaceInput {
  now: number;
  /** When the number's next campaign send may go (persisted; null = never paced yet). */
  nextSlotAt: number | null;
  /** Campaign sends per second for this number (its mps times the campaigns' share). */
  ratePerSecond: number;
  /** The number's tier. */
  tier: MessagingTier | string;
  /** Unique recipients campaigns planned on this number in the last 24 h. */
  plannedIn24h: number;
  /** Most sends one plan may hold (one produce batch). */
  maxPerPlan: number;
}

export interface Pace {
  /** Sends that may be planned now. */
  count: number;
  /** The slot after them (store it as the number's nextSlotAt when `count` were planned). */
  nextSlotAt: number;
  /** Why nothing more can go now, if that is the tier: planning resumes as the 24 h window moves on. */
  tierExhausted: boolean;
  /** The first slot of this plan and the spacing of slots: fewer planned than `count` → next slot `from + planned * interval`. */
  from: number;
  interval: number;
}

/**
 * How many campaign sends of one number may be planned now (pure; ADR 0153):
 * - throughput: a slot every 1/rate s, and at most one second's worth of slots saved up (a
 *   paused or idle number does not build a burst);
 * - tier: never more unique recipients in a moving 24 h than the tier allows; what is left
 *   waits for the window to move on ("continues the next day").
 * The dispatcher enforces both again; planning within them keeps the queue short, so pause and
 * cancel take effect at once instead of after a backlog.
 */
export function pace(p: PaceInput): Pace {
  const interval = 1000 / p.ratePerSecond;
  const from = Math.max(p.nextSlotAt ?? p.now - 1000, p.now - 1000);
  const bySlots = Math.max(0, Math.floor((p.now - from) / interval));
  const tierLeft = Math.max(0, tierLimit(p.tier) - p.plannedIn24h);
  const count = Math.min(bySlots, tierLeft, p.maxPerPlan);
  return { count, nextSlotAt: from + count * interval, tierExhausted: tierLeft === 0, from, interval };
}

/** When the oldest of the last 24 h's planned sends leaves the window (the tier frees up again). */
export function tierFreesAt(oldestPlannedInWindow: number): number {
  return oldestPlannedInWindow + DAY_MS;
}
