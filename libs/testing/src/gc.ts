import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export type TestGc = (options: { type: 'minor' | 'major'; execution: 'sync' }) => void;

/** V8's gc() for a test (the flag is set for one new context, then unset): for specs about what survives a GC. */
export function exposedGc(): TestGc {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as TestGc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** Bytes in use in V8's old generation: what young-generation GCs promoted shows up here. */
export const oldSpaceUsed = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
