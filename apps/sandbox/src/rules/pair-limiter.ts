import { BoundedMap } from '../common/bounded-map';
import { Clock } from '../common/clock';
import { TokenBucket } from './token-bucket';

export interface PairLimits {
  /** Messages a (business number, user) pair may send in a burst (Meta: 45). */
  burst: number;
  /** One message refills every this many ms (Meta: 6 s). */
  refillMs: number;
}

/**
 * Per-recipient pair rate: a bucket of `burst` refilled at one message per `refillMs`, so
 * bursts borrow from the future. Empty → 131056. Idle pairs are evicted when the map is
 * full; an evicted pair comes back with a full bucket, which is what it would have by then
 * in all but pathological cases.
 */
export class PairLimiter {
  private readonly pairs: BoundedMap<string, TokenBucket>;

  constructor(
    private readonly clock: Clock,
    maxPairs = 100_000,
  ) {
    this.pairs = new BoundedMap(maxPairs);
  }

  tryAcquire(phoneNumberId: string, userKey: string, limits: PairLimits): boolean {
    const key = `${phoneNumberId}:${userKey}`;
    const ratePerSec = 1000 / limits.refillMs;
    let bucket = this.pairs.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limits.burst, ratePerSec, this.clock);
    } else if (!bucket.matches(limits.burst, ratePerSec)) {
      bucket.reconfigure(limits.burst, ratePerSec);
    }
    this.pairs.set(key, bucket);
    return bucket.tryTake(1);
  }

  /** Milliseconds until the pair may send again (for error details and tests). */
  msUntilNext(phoneNumberId: string, userKey: string): number {
    return this.pairs.get(`${phoneNumberId}:${userKey}`)?.msUntil(1) ?? 0;
  }
}
