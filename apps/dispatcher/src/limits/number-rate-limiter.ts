import { Clock } from '../common/clock';
import { TokenBucket } from './token-bucket';

export const DEFAULT_MPS = 80;
export const MAX_MPS = 1000;

/**
 * Per-number throughput (Meta: 80 mps default, up to 1,000). The burst is a fraction of a
 * second's worth so our sends never bunch up beyond what Meta's own one-second bucket takes
 * even with network jitter; sustained rate = the configured mps.
 */
export class NumberRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly burstSeconds = 0.25,
  ) {}

  /** Time (epoch ms) at which this number's next send may go out; reserves that slot. */
  reserve(phoneNumberId: string, mps: number): number {
    return this.bucket(phoneNumberId, mps).reserve(1);
  }

  release(phoneNumberId: string, mps: number): void {
    this.bucket(phoneNumberId, mps).release(1);
  }

  /** Meta answered 130429: nothing more for this number for `ms`. */
  penalize(phoneNumberId: string, mps: number, ms: number): void {
    this.bucket(phoneNumberId, mps).penalize(ms);
  }

  private bucket(phoneNumberId: string, mpsIn: number): TokenBucket {
    const mps = Math.min(MAX_MPS, Math.max(1, mpsIn || DEFAULT_MPS));
    const capacity = Math.max(1, Math.floor(mps * this.burstSeconds));
    let b = this.buckets.get(phoneNumberId);
    if (!b) {
      b = new TokenBucket(capacity, mps, this.clock);
      this.buckets.set(phoneNumberId, b);
    } else if (!b.matches(capacity, mps)) b.reconfigure(capacity, mps);
    return b;
  }
}
