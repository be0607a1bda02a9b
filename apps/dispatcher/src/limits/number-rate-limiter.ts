import { Clock } from '../common/clock';
import { TokenBucket } from './token-bucket';

export const DEFAULT_MPS = 80;
export const MAX_MPS = 1000;

/**
 * Per-number throughput (Meta: 80 mps default, up to 1,000), in two stages:
 *
 * - the *schedule* (`reserve`): when a message should go out. Its bucket is shallow (a
 *   fraction of a second's worth) so planned sends never bunch; sustained rate = mps. Slots
 *   are booked for messages that wait in retry tiers too, so they are not paid twice.
 * - the *gate* (`gate`): the last check, right before the HTTP request. Anything between the
 *   schedule and the socket (the `attempting` claim in Postgres, a retry copy that came back
 *   late, a GC pause) can delay a send and then release it together with the sends booked
 *   after it. The gate spreads such a bunch again, so Meta never sees more than its own
 *   bucket takes. Its depth (default half a second) stays below Meta's one second so network
 *   jitter after the gate is absorbed too.
 */
export class NumberRateLimiter {
  private readonly schedule = new Map<string, TokenBucket>();
  private readonly gates = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly burstSeconds = 0.25,
    private readonly gateBurstSeconds = 0.5,
  ) {}

  /** Time (epoch ms) at which this number's next send may go out; reserves that slot. */
  reserve(phoneNumberId: string, mps: number): number {
    return this.bucket(this.schedule, phoneNumberId, mps, this.burstSeconds).reserve(1);
  }

  release(phoneNumberId: string, mps: number): void {
    this.bucket(this.schedule, phoneNumberId, mps, this.burstSeconds).release(1);
  }

  /** Time (epoch ms) at which a send that is ready now may hit the network; takes that slot. */
  gate(phoneNumberId: string, mps: number): number {
    return this.bucket(this.gates, phoneNumberId, mps, this.gateBurstSeconds).reserve(1);
  }

  /** Meta answered 130429: nothing more for this number for `ms` (planned or at the gate). */
  penalize(phoneNumberId: string, mps: number, ms: number): void {
    this.bucket(this.schedule, phoneNumberId, mps, this.burstSeconds).penalize(ms);
    this.bucket(this.gates, phoneNumberId, mps, this.gateBurstSeconds).penalize(ms);
  }

  private bucket(map: Map<string, TokenBucket>, phoneNumberId: string, mpsIn: number, seconds: number): TokenBucket {
    const mps = Math.min(MAX_MPS, Math.max(1, mpsIn || DEFAULT_MPS));
    const capacity = Math.max(1, Math.floor(mps * seconds));
    let b = map.get(phoneNumberId);
    if (!b) {
      b = new TokenBucket(capacity, mps, this.clock);
      map.set(phoneNumberId, b);
    } else if (!b.matches(capacity, mps)) b.reconfigure(capacity, mps);
    return b;
  }
}
