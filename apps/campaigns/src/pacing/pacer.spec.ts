import { ManualClock } from '@wabridge/time';
import { pace, tierLimit } from './pacer';

describe('campaign pacing (fake clock)', () => {
  it('plans no more than the rate allows, tick after tick, and saves up at most one second', () => {
    const clock = new ManualClock();
    let nextSlotAt: number | null = null;
    let planned = 0;
    const perTick: number[] = [];
    for (let tick = 0; tick < 40; tick++) {
      // 10 s in 250 ms ticks at 64 sends/s (80 mps x 80 %)
      clock.advance(250);
      const p = pace({ now: clock.now(), nextSlotAt, ratePerSecond: 64, tier: 'unlimited', plannedIn24h: planned, maxPerPlan: 10_000 });
      planned += p.count;
      nextSlotAt = p.nextSlotAt;
      perTick.push(p.count);
    }
    // first tick: the one second saved up; then 16 per 250 ms
    expect(perTick[0]).toBe(64);
    expect(perTick.slice(1).every((n) => n === 16)).toBe(true);
    expect(planned).toBe(64 + 39 * 16);
    // never more than rate x elapsed + one second's burst
    expect(planned).toBeLessThanOrEqual(64 * 10 + 64);

    // idle for a minute: still only one second saved up
    clock.advance(60_000);
    expect(pace({ now: clock.now(), nextSlotAt, ratePerSecond: 64, tier: 'unlimited', plannedIn24h: planned, maxPerPlan: 10_000 }).count).toBe(64);
  });

  it('never plans more unique recipients in 24 h than the tier, and says the tier is what stops it', () => {
    const clock = new ManualClock();
    let nextSlotAt: number | null = null;
    let planned = 0;
    for (let tick = 0; tick < 400; tick++) {
      clock.advance(250);
      const p = pace({ now: clock.now(), nextSlotAt, ratePerSecond: 64, tier: '250', plannedIn24h: planned, maxPerPlan: 10_000 });
      planned += p.count;
      nextSlotAt = p.nextSlotAt;
      if (planned === 250) expect(pace({ now: clock.now() + 250, nextSlotAt, ratePerSecond: 64, tier: '250', plannedIn24h: planned, maxPerPlan: 10_000 }).tierExhausted).toBe(true);
    }
    expect(planned).toBe(250);
    // a day later the window has moved: planning continues
    clock.advance(86_400_000);
    expect(pace({ now: clock.now(), nextSlotAt, ratePerSecond: 64, tier: '250', plannedIn24h: 0, maxPerPlan: 10_000 }).count).toBe(64);
  });

  it('caps one plan at the batch size', () => {
    expect(pace({ now: 10_000, nextSlotAt: null, ratePerSecond: 1000, tier: 'unlimited', plannedIn24h: 0, maxPerPlan: 100 }).count).toBe(100);
  });

  it('knows the tiers', () => {
    expect([tierLimit('250'), tierLimit('2000'), tierLimit('10000'), tierLimit('100000'), tierLimit('unlimited')]).toEqual([250, 2000, 10000, 100000, Infinity]);
  });
});
