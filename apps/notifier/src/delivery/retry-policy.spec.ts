import { nextStep } from './retry-policy';

const SCHEDULE = [0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000];

describe('nextStep', () => {
  it('retries the primary URL on the schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => nextStep(SCHEDULE, a, false))).toEqual(
      SCHEDULE.slice(1).map((delayMs) => ({ kind: 'retry', target: 'primary', delayMs })),
    );
  });

  it('is dead after the eighth failed attempt without a fallback', () => {
    expect(nextStep(SCHEDULE, 8, false)).toEqual({ kind: 'dead' });
  });

  it('goes to the fallback URL at once after the primary is exhausted, on the same schedule, then dead', () => {
    expect(nextStep(SCHEDULE, 8, true)).toEqual({ kind: 'retry', target: 'fallback', delayMs: 0 });
    expect(nextStep(SCHEDULE, 9, true)).toEqual({ kind: 'retry', target: 'fallback', delayMs: 5000 });
    expect(nextStep(SCHEDULE, 16, true)).toEqual({ kind: 'dead' });
  });
});
