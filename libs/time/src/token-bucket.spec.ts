import { ManualClock, TokenBucket } from './index';

describe('TokenBucket', () => {
  it('allows a burst of `capacity`, then refills at the rate', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(3, 1, clock);
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
    expect(b.msUntil()).toBe(1000);
    clock.advance(999);
    expect(b.tryTake()).toBe(false);
    clock.advance(1);
    expect(b.tryTake()).toBe(true);
  });

  it('never holds more than its capacity however long it idles', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(2, 10, clock);
    clock.advance(60_000);
    expect(b.available()).toBe(2);
  });

  it('hands out reservations spaced by the rate, and takes back unused ones', () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket(1, 10, clock);
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 100, 200]);
    b.release();
    expect(b.peek()).toBe(200);
  });

  it('pauses for the penalty after Meta says too many', () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket(5, 10, clock);
    b.penalize(2000);
    b.penalize(2000);
    expect(b.reserve()).toBe(2100);
  });

  it('keeps the fill when reconfigured, capped to the new capacity', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(10, 1, clock);
    b.reconfigure(4, 2);
    expect(b.available()).toBe(4);
    expect(b.matches(4, 2)).toBe(true);
  });
});
