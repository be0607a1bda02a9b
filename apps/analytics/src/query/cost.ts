import type { RateCard } from '../rate-card/rate-card.dto';

/** One priced bucket: billable units of a category (type, model, market) and what they cost. */
export interface CostLine {
  category: string;
  type: string;
  pricingModel: string;
  market: string;
  billable: number;
  free: number;
  /** Price per billable unit from the rate card (the market's price first); null when the card has none. */
  unitPrice: number | null;
  amount: number;
}

export interface CostSummary {
  currency: string | null;
  total: number;
  byCategory: Record<string, number>;
  /** Categories with billable units but no price on the card (their amount counts as 0). */
  unpriced: string[];
}

const MICRO = 1_000_000;

/** The card's price for a category in a market: the market's own, else the default, else none. */
export function priceOf(card: RateCard | undefined, category: string, market: string): number | null {
  if (!card) return null;
  return card.markets[market]?.[category] ?? card.prices[category] ?? null;
}

/** Amount in the card's currency, summed in millionths so totals do not drift. */
export function amountOf(units: number, price: number | null): number {
  return price === null ? 0 : Math.round(price * MICRO) * units / MICRO;
}

export function summarizeCost(card: RateCard | undefined, lines: CostLine[]): CostSummary {
  const byCategoryMicro = new Map<string, number>();
  const unpriced = new Set<string>();
  for (const l of lines) {
    if (l.billable > 0 && l.unitPrice === null) unpriced.add(l.category);
    byCategoryMicro.set(l.category, (byCategoryMicro.get(l.category) ?? 0) + Math.round(l.amount * MICRO));
  }
  const total = [...byCategoryMicro.values()].reduce((a, b) => a + b, 0) / MICRO;
  return {
    currency: card?.currency ?? null,
    total,
    byCategory: Object.fromEntries([...byCategoryMicro.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v / MICRO])),
    unpriced: [...unpriced].sort(),
  };
}
