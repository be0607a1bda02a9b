import { amountOf, priceOf, summarizeCost } from './cost';

const card = { currency: 'EUR', prices: { marketing: 0.0625, utility: 0.01 }, markets: { 49: { marketing: 0.1365 } }, updatedAt: '' };

describe('cost', () => {
  it('prices a category by the market\'s own price first, then the default, else none', () => {
    expect(priceOf(card, 'marketing', '49')).toBe(0.1365);
    expect(priceOf(card, 'marketing', '1')).toBe(0.0625);
    expect(priceOf(card, 'authentication', '49')).toBeNull();
    expect(priceOf(undefined, 'marketing', '49')).toBeNull();
  });

  it('sums in millionths (no float drift) and names categories the card does not price', () => {
    expect(amountOf(3, 0.1)).toBe(0.3);
    const s = summarizeCost(card, [
      { category: 'marketing', type: 'regular', pricingModel: 'PMP', market: '49', billable: 3, free: 0, unitPrice: 0.1365, amount: amountOf(3, 0.1365) },
      { category: 'marketing', type: 'regular', pricingModel: 'PMP', market: '1', billable: 7, free: 0, unitPrice: 0.0625, amount: amountOf(7, 0.0625) },
      { category: 'authentication', type: 'regular', pricingModel: 'PMP', market: '1', billable: 2, free: 0, unitPrice: null, amount: 0 },
    ]);
    expect(s).toEqual({ currency: 'EUR', total: 0.847, byCategory: { authentication: 0, marketing: 0.847 }, unpriced: ['authentication'] });
  });
});
