import { Clock } from '../common/clock';

/**
 * A token bucket refilled continuously: `capacity` tokens at most, `refillPerMs` tokens per
 * millisecond. Lazy: no timers, the refill is computed from the clock on each call.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private capacity: number,
    private refillPerMs: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock.now();
  }

  /** Takes `n` tokens if there are that many; false (and nothing taken) otherwise. */
  tryTake(n = 1): boolean {
    this.refill();
    if (this.tokens + 1e-9 < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Takes up to `n` tokens without ever failing (inbound traffic uses the budget but is never refused). */
  drain(n = 1): void {
    this.refill();
    this.tokens = Math.max(0, this.tokens - n);
  }

  /** Milliseconds until `n` tokens are available (0 when they already are). */
  msUntil(n = 1): number {
    this.refill();
    if (this.tokens >= n) return 0;
    return Math.ceil((n - this.tokens) / this.refillPerMs);
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Changes the limits, keeping the current fill (capped to the new capacity). */
  reconfigure(capacity: number, refillPerMs: number): void {
    this.refill();
    this.capacity = capacity;
    this.refillPerMs = refillPerMs;
    this.tokens = Math.min(this.tokens, capacity);
  }

  matches(capacity: number, refillPerMs: number): boolean {
    return this.capacity === capacity && this.refillPerMs === refillPerMs;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
  }
}
