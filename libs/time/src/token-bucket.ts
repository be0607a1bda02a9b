import { Clock } from './clock';

/**
 * A lazily refilled token bucket (no timers: the refill is computed from the clock on each
 * call): at most `capacity` tokens, `ratePerSec` new ones per second. Meta's throughput and
 * pair-rate rules are token buckets, so the sandbox (which enforces them) and the dispatcher
 * (which stays under them) share this one.
 *
 * Two ways to use it:
 * - *check*: `tryTake()` takes tokens only if they are there; `msUntil()` says how long to wait;
 * - *reserve*: `reserve()` always succeeds and returns when the caller's token is due, so a
 *   sender can schedule instead of polling; tokens go negative (that is the reservation queue).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private capacity: number,
    private ratePerSec: number,
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

  /** Takes up to `n` tokens without ever failing or going below zero (traffic that counts but is never refused). */
  drain(n = 1): void {
    this.refill();
    this.tokens = Math.max(0, this.tokens - n);
  }

  /** Milliseconds until `n` tokens are available (0 when they already are). */
  msUntil(n = 1): number {
    this.refill();
    if (this.tokens >= n) return 0;
    return Math.ceil(((n - this.tokens) * 1000) / this.ratePerSec);
  }

  /** Reserves `n` tokens; returns the time (epoch ms) at which they may be used. */
  reserve(n = 1): number {
    this.refill();
    this.tokens -= n;
    if (this.tokens >= 0) return this.updatedAt;
    return this.updatedAt + Math.ceil((-this.tokens * 1000) / this.ratePerSec);
  }

  /** When a reservation made now would be due, without making it. */
  peek(n = 1): number {
    this.refill();
    const after = this.tokens - n;
    if (after >= 0) return this.updatedAt;
    return this.updatedAt + Math.ceil((-after * 1000) / this.ratePerSec);
  }

  /** Gives back a reservation that will not be used. */
  release(n = 1): void {
    this.refill();
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /**
   * Nothing new before `ms` from now (Meta said "too many": stop for a while). Penalties do
   * not stack: a burst of throttled answers pushes the next slot to now + ms, not n × ms.
   */
  penalize(ms: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, -(ms / 1000) * this.ratePerSec);
  }

  /** Changes the limits, keeping the current fill (capped to the new capacity). */
  reconfigure(capacity: number, ratePerSec: number): void {
    this.refill();
    this.capacity = capacity;
    this.ratePerSec = ratePerSec;
    this.tokens = Math.min(this.tokens, capacity);
  }

  matches(capacity: number, ratePerSec: number): boolean {
    return this.capacity === capacity && this.ratePerSec === ratePerSec;
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSec) / 1000);
  }
}
