import { BoundedMap } from '../common/bounded-map';
import { Clock } from '../common/clock';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Meta's per-user marketing limit ("healthy ecosystem engagement"): a user who has already
 * received enough marketing templates does not get more for a while, and the message fails
 * with 131049. Meta does not publish the number, so the sandbox takes it from configuration:
 * at most `limit` marketing templates per user per moving 24 h, across all sandbox numbers.
 */
export class MarketingLimit {
  private readonly received: BoundedMap<string, number[]>;

  constructor(
    private readonly clock: Clock,
    maxUsers = 200_000,
  ) {
    this.received = new BoundedMap(maxUsers);
  }

  /** Records a marketing message for the user if under the limit; false when it must fail. `limit` 0 disables the rule. */
  tryDeliver(userKey: string, limit: number): boolean {
    if (limit <= 0) return true;
    const now = this.clock.now();
    // At most `limit` timestamps are kept per user, so this filter is bounded.
    const recent = (this.received.get(userKey) ?? []).filter((at) => now - at < DAY_MS);
    if (recent.length >= limit) {
      this.received.set(userKey, recent);
      return false;
    }
    recent.push(now);
    this.received.set(userKey, recent);
    return true;
  }
}
