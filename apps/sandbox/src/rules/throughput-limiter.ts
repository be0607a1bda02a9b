import { BoundedMap } from '../common/bounded-map';
import { Clock } from '../common/clock';
import { TokenBucket } from './token-bucket';

/**
 * Per-number throughput (Meta: 80 mps by default, inbound and outbound both count). A
 * bucket of one second's worth of messages refilled at `mps`; a send finding it empty gets
 * 130429. Inbound messages drain the same bucket but are never refused.
 */
export class ThroughputLimiter {
  private readonly buckets: BoundedMap<string, TokenBucket>;

  constructor(
    private readonly clock: Clock,
    maxNumbers: number,
  ) {
    this.buckets = new BoundedMap(maxNumbers);
  }

  /** True when the number may send one more message now. */
  tryAcquire(phoneNumberId: string, mps: number): boolean {
    return this.bucket(phoneNumberId, mps).tryTake(1);
  }

  /** Counts an inbound message against the number's throughput. */
  recordInbound(phoneNumberId: string, mps: number): void {
    this.bucket(phoneNumberId, mps).drain(1);
  }

  reset(phoneNumberId: string): void {
    this.buckets.delete(phoneNumberId);
  }

  private bucket(phoneNumberId: string, mps: number): TokenBucket {
    const capacity = mps;
    let bucket = this.buckets.get(phoneNumberId);
    if (!bucket) {
      bucket = new TokenBucket(capacity, mps, this.clock);
      this.buckets.set(phoneNumberId, bucket);
    } else if (!bucket.matches(capacity, mps)) {
      bucket.reconfigure(capacity, mps);
    }
    return bucket;
  }
}
