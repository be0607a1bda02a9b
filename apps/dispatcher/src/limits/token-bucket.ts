import { Clock } from '../common/clock';

/**
 * A lazily refilled token bucket that hands out *reservations*: `reserve()` always succeeds
 * and returns when the caller's token is due (now or later), so a sender can schedule the
 * send instead of polling. Tokens may go negative: that is the queue of reservations.
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

  /** Reserves one token; returns the time (epoch ms) at which it may be used. */
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

  /** Gives back a reservation that will not be used (the message was rejected or deferred). */
  release(n = 1): void {
    this.refill();
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /**
   * Nothing new before `ms` from now (Meta said 130429: stop for a while). Penalties do not
   * stack: a burst of throttled answers pushes the next slot to now + ms, not n × ms.
   */
  penalize(ms: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, -(ms / 1000) * this.ratePerSec);
  }

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
