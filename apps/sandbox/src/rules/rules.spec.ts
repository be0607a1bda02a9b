import { FakeClock } from '../common/clock';
import { ConversationWindow } from './conversation-window';
import { MarketingLimit } from './marketing-limit';
import { MessagingLimit, parseTier } from './messaging-limit';
import { NotOnWhatsAppRule } from './not-on-whatsapp';
import { PairLimiter } from './pair-limiter';
import { bodyParameterCount, TemplateRegistry } from './template-registry';
import { ThroughputLimiter } from './throughput-limiter';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refills continuously', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(3, 1, clock);
    expect([1, 2, 3, 4].map(() => bucket.tryTake())).toEqual([true, true, true, false]);
    expect(bucket.msUntil()).toBe(1000);
    clock.advance(999);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    clock.advance(60_000);
    expect(bucket.available()).toBe(3);
  });
});

describe('ThroughputLimiter', () => {
  it('lets mps messages through per second and counts inbound without refusing it', () => {
    const clock = new FakeClock();
    const limiter = new ThroughputLimiter(clock, 10);
    const first = Array.from({ length: 81 }, () => limiter.tryAcquire('n1', 80));
    expect(first.filter(Boolean)).toHaveLength(80);
    clock.advance(500);
    expect(Array.from({ length: 41 }, () => limiter.tryAcquire('n1', 80)).filter(Boolean)).toHaveLength(40);
    clock.advance(1000);
    for (let i = 0; i < 80; i++) limiter.recordInbound('n1', 80);
    expect(limiter.tryAcquire('n1', 80)).toBe(false);
    expect(limiter.tryAcquire('n2', 80)).toBe(true);
  });
});

describe('PairLimiter', () => {
  it('allows a burst of 45 to one user, then one message per 6 s', () => {
    const clock = new FakeClock();
    const pairs = new PairLimiter(clock);
    const limits = { burst: 45, refillMs: 6000 };
    expect(Array.from({ length: 46 }, () => pairs.tryAcquire('n', 'u', limits)).filter(Boolean)).toHaveLength(45);
    expect(pairs.msUntilNext('n', 'u')).toBe(6000);
    clock.advance(5999);
    expect(pairs.tryAcquire('n', 'u', limits)).toBe(false);
    clock.advance(1);
    expect(pairs.tryAcquire('n', 'u', limits)).toBe(true);
    expect(pairs.tryAcquire('n', 'other', limits)).toBe(true);
  });

  it('keeps at most maxPairs pairs', () => {
    const pairs = new PairLimiter(new FakeClock(), 2);
    for (let i = 0; i < 100; i++) pairs.tryAcquire('n', `u${i}`, { burst: 1, refillMs: 6000 });
    // The evicted u0 comes back with a full bucket.
    expect(pairs.tryAcquire('n', 'u0', { burst: 1, refillMs: 6000 })).toBe(true);
  });
});

describe('ConversationWindow', () => {
  it('is open for 24 h after the user last wrote', () => {
    const clock = new FakeClock();
    const window = new ConversationWindow(clock, 24 * 3600_000);
    expect(window.isOpen('n', 'u')).toBe(false);
    window.open('n', 'u');
    clock.advance(24 * 3600_000 - 1);
    expect(window.isOpen('n', 'u')).toBe(true);
    expect(window.isOpen('other-number', 'u')).toBe(false);
    clock.advance(1);
    expect(window.isOpen('n', 'u')).toBe(false);
    expect(window.openUntil('n', 'u')).toBeNull();
  });
});

describe('MessagingLimit', () => {
  it('counts unique users per moving 24 h per portfolio; re-reaching a user is free', () => {
    const clock = new FakeClock();
    const limit = new MessagingLimit(clock);
    for (let i = 0; i < 250; i++) expect(limit.tryReach('p', `u${i}`, 250)).toBe(true);
    expect(limit.tryReach('p', 'u0', 250)).toBe(true);
    expect(limit.tryReach('p', 'new', 250)).toBe(false);
    expect(limit.tryReach('other-portfolio', 'new', 250)).toBe(true);
    expect(limit.used('p')).toBe(250);
    clock.advance(24 * 3600_000);
    expect(limit.tryReach('p', 'new', 250)).toBe(true);
    expect(limit.used('p')).toBe(1);
  });

  it('never refuses on the unlimited tier', () => {
    const limit = new MessagingLimit(new FakeClock());
    for (let i = 0; i < 1000; i++) expect(limit.tryReach('p', `u${i}`, null)).toBe(true);
  });

  it('parses Meta tier names and plain numbers', () => {
    expect([parseTier('TIER_250'), parseTier(2000), parseTier('TIER_10K'), parseTier('100000'), parseTier('unlimited'), parseTier('TIER_UNLIMITED'), parseTier(7)]).toEqual([250, 2000, 10_000, 100_000, null, null, undefined]);
  });
});

describe('MarketingLimit', () => {
  it('allows `limit` marketing messages per user per moving 24 h, and is off at 0', () => {
    const clock = new FakeClock();
    const limit = new MarketingLimit(clock);
    expect([1, 2, 3].map(() => limit.tryDeliver('u', 2))).toEqual([true, true, false]);
    expect(limit.tryDeliver('other', 2)).toBe(true);
    clock.advance(24 * 3600_000);
    expect(limit.tryDeliver('u', 2)).toBe(true);
    expect(Array.from({ length: 100 }, () => limit.tryDeliver('u', 0)).every(Boolean)).toBe(true);
  });
});

describe('NotOnWhatsAppRule', () => {
  it('matches wa_ids against the pattern and never a BSUID-only user', () => {
    const rule = new NotOnWhatsAppRule('^999');
    expect(rule.isNotOnWhatsApp('9991234567')).toBe(true);
    expect(rule.isNotOnWhatsApp('16505551234')).toBe(false);
    expect(rule.isNotOnWhatsApp(undefined)).toBe(false);
    expect(rule.isNotOnWhatsApp('16505551234', '1234$')).toBe(true);
  });
});

describe('TemplateRegistry', () => {
  it('seeds hello_world, keeps new templates PENDING for the review delay, then APPROVED or REJECTED', () => {
    const clock = new FakeClock();
    let id = 0;
    const registry = new TemplateRegistry(clock, 1000, () => String(++id));
    registry.ensureWaba('w');
    const hello = registry.find('w', 'hello_world', 'en_US');
    expect(hello && registry.statusOf(hello)).toBe('APPROVED');
    const ok = registry.create('w', { name: 'order_update', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} ({{1}})' }] });
    const bad = registry.create('w', { name: 'reject_this', language: 'en', category: 'MARKETING', components: [] });
    expect([registry.statusOf(ok), registry.statusOf(bad)]).toEqual(['PENDING', 'PENDING']);
    clock.advance(1000);
    expect([registry.statusOf(ok), registry.statusOf(bad)]).toEqual(['APPROVED', 'REJECTED']);
    expect(registry.list('w', { status: 'rejected' }).map((t) => [t.name, t.rejected_reason])).toEqual([['reject_this', 'INVALID_FORMAT']]);
    expect(bodyParameterCount(ok)).toBe(2);
    expect(registry.deleteByName('w', 'order_update')).toBe(1);
    expect(registry.exists('w', 'order_update', 'en')).toBe(false);
  });
});
