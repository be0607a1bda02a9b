/**
 * Time and randomness are injected so limiters, windows, retries and status machines are
 * testable without sleeping (STYLE.md 12). Production uses the system clock and Math.random.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when a test tells it to. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }
}

/** Uniform in [0, 1). */
export type Random = () => number;

export const systemRandom: Random = () => Math.random();
