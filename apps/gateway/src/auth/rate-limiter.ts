/** Injected time source, so the limiter is testable without sleeping. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token bucket per key: `perMinute` capacity, refilled continuously. Lives in memory of one
 * gateway instance (a limit of N per instance); a cluster-wide limit would move the buckets to
 * a shared store, but the answer shape (429 + Retry-After) stays the same.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;

  constructor(private readonly perMinute: number, private readonly clock: Clock = systemClock) {
    this.ratePerMs = perMinute / 60000;
  }

  /** Takes one token; returns 0 when allowed, else the seconds to wait before the next one. */
  take(key: string): number {
    const now = this.clock.now();
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * this.ratePerMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerMs / 1000));
  }
}
