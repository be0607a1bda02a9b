import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { collectGarbage, releaseBootMemory } from './index';

const usedMb = (): number => getHeapStatistics().used_heap_size / 1048576;

/** Allocates the way a boot does: much of it survives a few scavenges, so V8 grows the young generation. */
function bootLikeAllocation(): void {
  let kept: object[] = [];
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 50_000; i++) kept.push({ round, i, name: `module-${round}-${i}` });
    if (kept.length > 400_000) kept = kept.slice(200_000);
  }
}

describe('releaseBootMemory', () => {
  // first: once the flag is on in this worker, later calls cannot show that it is unset
  it('leaves code that runs later as it found it: no gc function where there was none', () => {
    const before = runInNewContext('typeof gc');
    releaseBootMemory();
    expect(runInNewContext('typeof gc')).toBe(before);
  });

  it('collects what the boot left behind, at once', () => {
    bootLikeAllocation();
    const before = usedMb();

    const released = releaseBootMemory();

    expect(released).toBeDefined();
    expect(usedMb()).toBeLessThan(before - 20);
  });

  it('with the last-resort flavor, gives the young generation back at once (ADR 0204)', () => {
    bootLikeAllocation();
    const newSpaceMb = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 1048576;
    expect(newSpaceMb()).toBeGreaterThan(16);

    expect(collectGarbage('last-resort')).toBeDefined();

    expect(newSpaceMb()).toBeLessThan(8);
  });
});
