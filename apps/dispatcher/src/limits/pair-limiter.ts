import { Clock } from '../common/clock';
import { TokenBucket } from './token-bucket';
import { META_PAIR_LIMIT } from '@wabridge/meta';

export interface PairLimits {
  /** Messages one (number, user) pair may send in a burst (Meta: 45). */
  burst: number;
  /** One message refills every `refillMs` (Meta: 6 s). */
  refillMs: number;
}

export const META_PAIR_LIMITS: PairLimits = { ...META_PAIR_LIMIT };

/**
 * Meta's 131056 rule: per (business number, recipient) a bucket of 45 refilled at 1 per 6 s.
 * Idle pairs are forgotten once their bucket is full again (they would be full anyway), so
 * memory tracks only recently active pairs.
 */
export class PairLimiter {
  private readonly pairs = new Map<string, TokenBucket>();
  private sweepAt = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: PairLimits = META_PAIR_LIMITS,
  ) {}

  /** Time (epoch ms) at which the pair's next message may go; reserves it. */
  reserve(phoneNumberId: string, recipient: string): number {
    return this.bucket(phoneNumberId, recipient).reserve(1);
  }

  /** When the pair could send next, without reserving. */
  peek(phoneNumberId: string, recipient: string): number {
    return this.bucket(phoneNumberId, recipient).peek(1);
  }

  release(phoneNumberId: string, recipient: string): void {
    this.pairs.get(`${phoneNumberId}:${recipient}`)?.release(1);
  }

  /** Meta answered 131056 for this pair: treat its bucket as empty for `ms`. */
  penalize(phoneNumberId: string, recipient: string, ms: number): void {
    this.bucket(phoneNumberId, recipient).penalize(ms);
  }

  size(): number {
    return this.pairs.size;
  }

  private bucket(phoneNumberId: string, recipient: string): TokenBucket {
    this.sweep();
    const key = `${phoneNumberId}:${recipient}`;
    let b = this.pairs.get(key);
    if (!b) {
      b = new TokenBucket(this.limits.burst, 1000 / this.limits.refillMs, this.clock);
      this.pairs.set(key, b);
    }
    return b;
  }

  private sweep(): void {
    const now = this.clock.now();
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    for (const [k, b] of this.pairs) if (b.available() >= this.limits.burst) this.pairs.delete(k);
  }
}
