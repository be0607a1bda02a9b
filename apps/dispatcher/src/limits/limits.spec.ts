import { ManualClock } from '../common/clock';
import { NumberRateLimiter } from './number-rate-limiter';
import { PairLimiter } from './pair-limiter';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('hands out the burst at once, then one slot per 1/rate seconds', () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket(2, 10, clock);
    expect([b.reserve(), b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 100, 200]);
  });

  it('refills with time and never beyond capacity', () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket(2, 10, clock);
    b.reserve();
    b.reserve();
    clock.advance(10_000);
    expect(b.available()).toBe(2);
  });

  it('pushes the next slot out after a penalty', () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket(5, 10, clock);
    b.penalize(1000);
    expect(b.reserve()).toBe(1100);
  });

  it('does not stack penalties: many throttled answers at once still mean one pause', () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket(5, 10, clock);
    for (let i = 0; i < 100; i++) b.penalize(1000);
    expect(b.reserve()).toBe(1100);
  });
});

describe('NumberRateLimiter', () => {
  it('schedules a sustained run at the configured mps', () => {
    const clock = new ManualClock(0);
    const limiter = new NumberRateLimiter(clock);
    const slots = Array.from({ length: 1000 }, () => limiter.reserve('n1', 200));
    // 50 burst (0.25 s at 200 mps), then 5 ms apart: 1,000 messages take ~4.75 s, never faster.
    expect(slots[999]).toBeGreaterThanOrEqual(4750);
    expect(slots[999]).toBeLessThanOrEqual(4760);
  });

  it('keeps numbers independent', () => {
    const clock = new ManualClock(0);
    const limiter = new NumberRateLimiter(clock);
    for (let i = 0; i < 500; i++) limiter.reserve('busy', 80);
    expect(limiter.reserve('quiet', 80)).toBe(0);
  });

  it('defaults to 80 mps and caps at 1,000', () => {
    const clock = new ManualClock(0);
    const limiter = new NumberRateLimiter(clock, 0.001);
    limiter.reserve('a', 0);
    expect(limiter.reserve('a', 0)).toBe(13); // 1/80 s
    limiter.reserve('b', 5000);
    expect(limiter.reserve('b', 5000)).toBe(1); // 1/1000 s
  });
});

describe('NumberRateLimiter gate', () => {
  /** Meta's side: a one-second bucket at the same mps; counts the sends it would answer with 130429. */
  function metaRefusals(sendTimes: number[], mps: number): number {
    const clock = new ManualClock(0);
    const meta = new TokenBucket(mps, mps, clock);
    let refused = 0;
    for (const t of [...sendTimes].sort((a, b) => a - b)) {
      clock.set(t);
      if (!meta.tryTake(1)) refused++;
    }
    return refused;
  }

  it('spreads sends that a hiccup released together, so Meta\'s bucket never refuses one (it would without the gate)', () => {
    const clock = new ManualClock(0);
    const limiter = new NumberRateLimiter(clock);
    const slots = Array.from({ length: 1200 }, () => limiter.reserve('n1', 200));
    // Everything booked for 1.0–2.5 s is held up (a slow database claim, a late retry copy) and
    // reaches the socket at 2.5 s, together with the sends booked from then on.
    const arrivals = slots.map((s) => (s >= 1000 && s < 2500 ? 2500 : s));
    expect(metaRefusals(arrivals, 200)).toBeGreaterThan(0);
    const sent: number[] = [];
    for (const a of [...arrivals].sort((x, y) => x - y)) {
      clock.set(a);
      sent.push(Math.max(a, limiter.gate('n1', 200)));
    }
    expect(metaRefusals(sent, 200)).toBe(0);
    // ... at full rate from then on: the 300 held sends beyond the gate's 100 cost one second
    // once (Meta would have refused them), nothing more.
    expect(Math.max(...sent)).toBeLessThanOrEqual(Math.max(...slots) + 1000 + 5);
  });

  it('is held back by a 130429 penalty like the schedule', () => {
    const clock = new ManualClock(0);
    const limiter = new NumberRateLimiter(clock);
    limiter.penalize('n1', 80, 2000);
    expect(limiter.gate('n1', 80)).toBeGreaterThanOrEqual(2000);
    expect(limiter.reserve('n1', 80)).toBeGreaterThanOrEqual(2000);
  });
});

describe('PairLimiter', () => {
  it('lets 45 through at once, then one every 6 s (Meta 131056 rule)', () => {
    const clock = new ManualClock(0);
    const pairs = new PairLimiter(clock);
    const slots = Array.from({ length: 48 }, () => pairs.reserve('n1', 'u1'));
    expect(slots.slice(0, 45).every((s) => s === 0)).toBe(true);
    expect(slots.slice(45)).toEqual([6000, 12000, 18000]);
  });

  it('does not slow other recipients of the same number', () => {
    const clock = new ManualClock(0);
    const pairs = new PairLimiter(clock);
    for (let i = 0; i < 100; i++) pairs.reserve('n1', 'u1');
    expect(pairs.reserve('n1', 'u2')).toBe(0);
  });

  it('forgets idle pairs once their bucket refilled', () => {
    const clock = new ManualClock(0);
    const pairs = new PairLimiter(clock);
    pairs.reserve('n1', 'u1');
    clock.advance(120_000);
    pairs.reserve('n1', 'u2');
    expect(pairs.size()).toBe(1);
  });
});
