import type { AudienceContact } from '../audience/contacts.client';
import { matchesRest } from './segment-filter';

const contact = (over: Partial<AudienceContact>): AudienceContact => ({ id: 'c1', phoneNumberId: '1', waId: '4915', optedOut: false, tags: ['vip', 'de'], ...over });

describe('segment filter (what the contacts API cannot filter)', () => {
  it('needs every tag after the first', () => {
    expect(matchesRest({ tags: ['vip', 'de'] }, contact({}))).toBe(true);
    expect(matchesRest({ tags: ['vip', 'fr'] }, contact({}))).toBe(false);
  });

  it('keeps explicit opt-ins only when asked', () => {
    expect(matchesRest({ optedIn: true }, contact({ optInState: 'opted_in' }))).toBe(true);
    expect(matchesRest({ optedIn: true }, contact({ optInState: 'unknown' }))).toBe(false);
    expect(matchesRest({ optedIn: false }, contact({ optInState: 'opted_in' }))).toBe(false);
  });

  it('keeps contacts that wrote since the given time', () => {
    const f = { lastInboundSince: '2026-12-01T00:00:00Z' };
    expect(matchesRest(f, contact({ lastInboundAt: '2026-12-02T10:00:00Z' }))).toBe(true);
    expect(matchesRest(f, contact({ lastInboundAt: '2026-11-30T10:00:00Z' }))).toBe(false);
    expect(matchesRest(f, contact({ lastInboundAt: null }))).toBe(false);
  });
});
