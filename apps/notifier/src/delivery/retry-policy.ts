/** Where a delivery goes next after a failed attempt (ADR 0081). */
export type NextStep =
  | { kind: 'retry'; target: 'primary' | 'fallback'; delayMs: number }
  | { kind: 'dead' };

/**
 * `schedule[n]` is the wait before attempt n+1 of one target (schedule[0] the first, usually 0).
 * After `schedule.length` failed attempts at the primary URL the fallback URL (if any) gets the
 * same schedule; after that the delivery is dead. `attempts` counts both targets.
 */
export function nextStep(schedule: readonly number[], attempts: number, hasFallback: boolean): NextStep {
  const n = schedule.length;
  if (attempts < n) return { kind: 'retry', target: 'primary', delayMs: schedule[attempts]! };
  if (hasFallback && attempts < 2 * n) return { kind: 'retry', target: 'fallback', delayMs: schedule[attempts - n]! };
  return { kind: 'dead' };
}
