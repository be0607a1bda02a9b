import { marketOf, normalizeCategory, parsePricing } from './pricing';

describe('parsePricing', () => {
  it('reads per-message pricing: one charge per billable message, free types not billable', () => {
    expect(parsePricing({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' }))
      .toEqual({ model: 'PMP', category: 'marketing', type: 'regular', billable: true });
    expect(parsePricing({ billable: false, pricing_model: 'PMP', type: 'free_entry_point', category: 'service' }))
      .toEqual({ model: 'PMP', category: 'service', type: 'free_entry_point', billable: false });
  });

  it('charges a conversation-based (CBP) conversation once: its id is the billing unit', () => {
    // as in libs/testing/fixtures/meta-webhooks/status-sent--pywa-1.json
    const conversation = { id: '7270432eae37498234f4444b35ffc5', expiration_timestamp: '1698339900', origin: { type: 'service' } };
    expect(parsePricing({ billable: true, pricing_model: 'CBP', category: 'service' }, conversation))
      .toEqual({ model: 'CBP', category: 'service', type: 'conversation', billable: true, billingUnit: 'conv:7270432eae37498234f4444b35ffc5' });
  });

  it('keeps legacy CBP categories and spells authentication-international one way', () => {
    expect(parsePricing({ billable: true, pricing_model: 'CBP', category: 'business_initiated' }, { id: 'c1' })?.category).toBe('business_initiated');
    expect(parsePricing({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'authentication-international' })?.category).toBe('authentication_international');
    expect(normalizeCategory('Authentication-International')).toBe('authentication_international');
  });

  it('falls back sensibly when fields are missing, and reads nothing without pricing', () => {
    expect(parsePricing(undefined)).toBeUndefined();
    expect(parsePricing({ category: 'utility' })).toEqual({ model: 'PMP', category: 'utility', type: 'regular', billable: true });
    expect(parsePricing({ billable: false }, { id: 'c2', origin: { type: 'user_initiated' } }))
      .toEqual({ model: 'CBP', category: 'user_initiated', type: 'conversation', billable: false, billingUnit: 'conv:c2' });
  });
});

describe('marketOf', () => {
  it('is the country calling code of the recipient, empty for a business-scoped user id', () => {
    expect(marketOf('4915112345678')).toBe('49');
    expect(marketOf('+14155550123')).toBe('1');
    expect(marketOf('5511987654321')).toBe('55');
    expect(marketOf('US.13491208655302741918')).toBe('');
    expect(marketOf(undefined)).toBe('');
  });
});
