import { ERROR_CLASSES, ErrorClass, errorAction } from '@wabridge/meta';
import { Random } from '../common/clock';

export interface BackoffPolicy {
  /** Graph attempts for transient errors before the DLQ. */
  maxTransientAttempts: number;
  transientBaseMs: number;
  transientMaxMs: number;
  /** Pause after a per-number 130429-class throttle. */
  numberThrottleMs: number;
  /** Cap for the per-pair 4^n s backoff. */
  pairBackoffMaxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  maxTransientAttempts: 5,
  transientBaseMs: 1000,
  transientMaxMs: 60_000,
  numberThrottleMs: 1000,
  pairBackoffMaxMs: 15 * 60_000,
};

/** Transient errors: exponential with full jitter (half fixed, half random), capped. */
export function transientDelayMs(attempt: number, policy: BackoffPolicy, random: Random): number {
  const exp = Math.min(policy.transientMaxMs, policy.transientBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Meta's 131056 advice: wait 4^n seconds (n = consecutive pair throttles, from 0). */
export function pairBackoffMs(step: number, policy: BackoffPolicy): number {
  return Math.min(policy.pairBackoffMaxMs, 4 ** step * 1000);
}

/** Per-number throttles (130429, 80007, 4, 131057): doubling from the base, capped at a minute. */
export function numberThrottleMs(step: number, policy: BackoffPolicy): number {
  return Math.min(60_000, policy.numberThrottleMs * 2 ** step);
}

export type ErrorDecision =
  | { action: 'retry'; delayMs: number; scope: 'number' | 'pair' | 'message'; backoffStep: number }
  | { action: 'dead-letter' }
  | { action: 'pause-number' }
  | { action: 'fail' }
  /** Unknown whether Meta got it (timeout, reset): wait for a status webhook, then retry. */
  | { action: 'reconcile' };

/**
 * What to do with a failed Graph attempt (attempts = Graph attempts so far, this one included):
 * the taxonomy's action for the error's class and code (libs/meta `errorAction`), with this
 * dispatcher's delays.
 */
export function decide(
  err: { class: string; code?: number; outcomeUnknown?: boolean },
  attempts: number,
  backoffStep: number,
  policy: BackoffPolicy,
  random: Random,
): ErrorDecision {
  if (err.outcomeUnknown) return attempts >= policy.maxTransientAttempts ? { action: 'dead-letter' } : { action: 'reconcile' };
  if (!(ERROR_CLASSES as readonly string[]).includes(err.class)) return { action: 'fail' };
  const action = errorAction(err.class as ErrorClass, err.code);
  if (action.pauseNumber) return { action: 'pause-number' };
  switch (action.retry) {
    case 'backoff-per-pair':
      return { action: 'retry', scope: 'pair', delayMs: pairBackoffMs(backoffStep, policy), backoffStep: backoffStep + 1 };
    case 'backoff-per-number':
      return { action: 'retry', scope: 'number', delayMs: numberThrottleMs(backoffStep, policy), backoffStep: backoffStep + 1 };
    case 'bounded-with-jitter':
      if (attempts >= policy.maxTransientAttempts) return { action: 'dead-letter' };
      return { action: 'retry', scope: 'message', delayMs: transientDelayMs(attempts, policy, random), backoffStep };
    case 'none':
      return { action: 'fail' };
  }
}
