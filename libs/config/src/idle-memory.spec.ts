import { releaseMemoryWhenIdle } from './index';

describe('releaseMemoryWhenIdle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Event-loop utilisation per one-second sample, as a script: busy ('B') or idle ('.'). */
  function run(samples: string): number[] {
    const at: number[] = [];
    let second = 0;
    const release = releaseMemoryWhenIdle({
      idleMs: 3000,
      sampleEveryMs: 1000,
      utilization: () => (samples[second - 1] === 'B' ? 0.4 : 0.01),
      collect: () => {
        at.push(second);
        return { heapBeforeMb: 100, heapAfterMb: 40, tookMs: 5 };
      },
    });
    for (second = 1; second <= samples.length; second++) jest.advanceTimersByTime(1000);
    release.stop();
    return at;
  }

  it('collects once the event loop has been idle for idleMs, and only once per idle spell', () => {
    expect(run('BB......')).toEqual([5]);
  });

  it('never collects with idleMs 0 (IDLE_MEMORY_RELEASE_MS=0), however long the loop idles', () => {
    let collected = 0;
    const release = releaseMemoryWhenIdle({ idleMs: 0, sampleEveryMs: 1000, utilization: () => 0, collect: () => (collected++, undefined) });
    jest.advanceTimersByTime(60_000);
    release.stop();
    expect(collected).toBe(0);
  });

  it('never collects while work keeps coming', () => {
    expect(run('B..B..B..B..B')).toEqual([]);
  });

  it('collects again after work has come and gone', () => {
    expect(run('B...BBB...')).toEqual([4, 10]);
  });

  it('reports each collection', () => {
    const seen: number[] = [];
    const release = releaseMemoryWhenIdle({
      idleMs: 1000, sampleEveryMs: 1000, utilization: () => 0, collect: () => ({ heapBeforeMb: 90, heapAfterMb: 30, tookMs: 4 }),
      onRelease: (r) => seen.push(r.heapAfterMb),
    });
    jest.advanceTimersByTime(3000);
    release.stop();
    expect(seen).toEqual([30]);
  });
});
