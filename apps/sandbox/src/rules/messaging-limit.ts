import { BoundedMap } from '../common/bounded-map';
import { Clock } from '../common/clock';

/** Meta's messaging-limit tiers (unique users reached outside the window per moving 24 h). */
const TIERS: Record<string, number | null> = {
  TIER_250: 250,
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: null,
};

/**
 * Parses `250`, `"2000"`, `"TIER_10K"`, `"unlimited"`… into a limit (`null` = unlimited);
 * `undefined` when the value is not a tier.
 */
export function parseTier(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Object.values(TIERS).includes(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  if (upper === 'UNLIMITED') return null;
  if (upper in TIERS) return TIERS[upper];
  if (/^\d+$/.test(upper)) return parseTier(Number(upper));
  return undefined;
}

export function tierName(limit: number | null): string {
  const found = Object.entries(TIERS).find(([, v]) => v === limit);
  return found ? found[0] : 'TIER_250';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The messaging limit, set per business portfolio and shared by all its numbers since
 * Oct 2025: a business-initiated message (outside the customer-service window) to a user not
 * already reached in the last 24 h uses one unit of the portfolio's budget; when the budget
 * is spent such messages fail (131048). Re-reaching a user within 24 h costs nothing.
 */
export class MessagingLimit {
  private readonly portfolios: BoundedMap<string, BoundedMap<string, number>>;

  constructor(
    private readonly clock: Clock,
    maxPortfolios = 10_000,
  ) {
    this.portfolios = new BoundedMap(maxPortfolios);
  }

  /** Records the reach and answers whether it is within the limit. */
  tryReach(portfolioId: string, userKey: string, limit: number | null): boolean {
    if (limit === null) return true;
    const now = this.clock.now();
    let reached = this.portfolios.get(portfolioId);
    if (!reached) {
      // Never more than `limit` live entries plus the one being decided.
      reached = new BoundedMap<string, number>(Math.max(1, limit + 1));
      this.portfolios.set(portfolioId, reached);
    }
    this.prune(reached, now);
    if (reached.has(userKey)) {
      reached.set(userKey, now);
      return true;
    }
    if (reached.size >= limit) return false;
    reached.set(userKey, now);
    return true;
  }

  /** Unique users reached in the last 24 h. */
  used(portfolioId: string): number {
    const reached = this.portfolios.get(portfolioId);
    if (!reached) return 0;
    this.prune(reached, this.clock.now());
    return reached.size;
  }

  private prune(reached: BoundedMap<string, number>, now: number): void {
    // Entries are ordered by last write, oldest first, so expired ones are at the front;
    // the loop ends at the first live entry and runs at most `size` times. Deleting entries
    // already visited is safe while iterating a Map.
    for (const [key, at] of entriesOldestFirst(reached)) {
      if (now - at < DAY_MS) break;
      reached.delete(key);
    }
  }
}

function* entriesOldestFirst(map: BoundedMap<string, number>): Generator<[string, number]> {
  for (const key of map.keys()) {
    const at = map.get(key);
    if (at !== undefined) yield [key, at];
  }
}
