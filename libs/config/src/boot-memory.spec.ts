import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { releaseBootMemory } from './index';

const newSpaceMb = (): number => (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / 1048576;

/** Allocates the way a boot does: much of it survives a few scavenges, so V8 grows the young generation. */
function bootLikeAllocation(): void {
  let kept: object[] = [];
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 50_000; i++) kept.push({ round, i, name: `module-${round}-${i}` });
    if (kept.length > 400_000) kept = kept.slice(200_000);
  }
}

describe('releaseBootMemory', () => {
  it('gives the young generation the boot grew back, and the heap shrinks to what is live', () => {
    bootLikeAllocation();
    const grown = newSpaceMb();
    expect(grown).toBeGreaterThan(8);

    const released = releaseBootMemory();

    expect(released).toBeDefined();
    expect(newSpaceMb()).toBeLessThanOrEqual(2);
    expect(released!.heapAfterMb).toBeLessThan(released!.heapBeforeMb - grown / 2);
  });

  it('leaves no gc function to code that runs later', () => {
    releaseBootMemory();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
