import { Clock } from '../common/clock';

/**
 * Waits until a point in time on the pipeline's clock. The pipeline never calls `setTimeout`
 * itself: production waits on timers, unit tests on `ManualScheduler` (src/testing), which fires only
 * when the test moves its clock (STYLE.md 12).
 */
export interface Scheduler {
  /** Resolves once the clock reads `epochMs` or later (at once when it already does). */
  sleepUntil(epochMs: number): Promise<void>;
}

/** Node timers against a clock (the system clock in production). */
export class TimerScheduler implements Scheduler {
  constructor(private readonly clock: Clock) {}

  sleepUntil(epochMs: number): Promise<void> {
    const wait = epochMs - this.clock.now();
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, wait));
  }
}
