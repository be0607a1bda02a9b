import { PeriodicJob } from './periodic-job';

describe('PeriodicJob', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at start and then every interval, never two runs at once, and goes on after a failure', async () => {
    let calls = 0;
    let release: (() => void) | null = null;
    const errors: string[] = [];
    const job = new PeriodicJob(() => {
      calls++;
      if (calls === 2) return Promise.reject(new Error('db down'));
      return new Promise<void>((r) => { release = r; });
    }, 1000, (err) => errors.push(err.message));
    job.start();
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(3000); // the first run is still going: no second run on top
    expect(calls).toBe(1);
    release!();
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    await jest.advanceTimersByTimeAsync(1000);
    expect(errors).toEqual(['db down']);
    expect(calls).toBe(3);
    const stopped = job.stop();
    release!();
    await stopped;
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(3);
  });
});
