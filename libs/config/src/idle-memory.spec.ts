import { releaseMemoryWhenIdle } from './index';

describe('releaseMemoryWhenIdle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const LEVEL: Record<string, number> = { B: 0.4, s: 0.08, '.': 0.01 };

  /**
   * Event-loop utilisation per one-second sample, as a script: busy ('B', 40 %), a blip of an idle
   * service's own periodic work ('s', 8 %) or idle ('.', 1 %). A collection shows in the reading
   * taken next, as a real one (~100 ms) does: 30 %.
   */
  function run(samples: string): number[] {
    const at: number[] = [];
    let second = 0;
    let collecting = false;
    const release = releaseMemoryWhenIdle({
      idleMs: 3000,
      sampleEveryMs: 1000,
      utilization: () => {
        if (collecting) {
          collecting = false;
          return 0.3;
        }
        return LEVEL[samples[second - 1] ?? '.']!;
      },
      collect: () => {
        at.push(second);
        collecting = true;
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

  it('is not put off by an idle service\'s single blips of its own periodic work', () => {
    // every sample at or below 5 % would have waited until second 11
    expect(run('BB..s..s...')).toEqual([5]);
  });

  it('does not count its own collection as work: one collection per idle spell, however long', () => {
    expect(run('BB' + '.'.repeat(40))).toEqual([5]);
  });

  it('is not re-armed by blips: a collection only after work (a busy window) has come again', () => {
    expect(run('BB...' + 's....'.repeat(6) + 'BB....')).toEqual([5, 40]);
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
