import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface BootMemoryRelease {
  /** V8's heap (committed) before and after, MB. */
  heapBeforeMb: number;
  heapAfterMb: number;
  /** How long the collection held the event loop. */
  tookMs: number;
}

/**
 * Hands the boot's garbage back to the OS once the service is up (ADR 0145, issue 16).
 *
 * Booting Nest, TypeORM and kafkajs allocates fast enough that V8 grows the young generation to
 * its maximum (64 MB committed on Node 24) and nothing shrinks it at idle: a service sat at 150–
 * 210 MB RSS with 30–45 MB of live heap. One memory-reducing full collection (V8's "last resort"
 * flavour: young generation back to its minimum, free pages unmapped) takes it back to about what
 * is live. The young generation grows again as soon as traffic asks for it, so this changes
 * nothing under load; `--max-semi-space-size` would have capped it for good (ADR 0195).
 *
 * Node offers no such call without `--expose-gc`, which start scripts and images would all have
 * to pass: the flag is set for one new context only, whose `gc` is used once, then unset. A
 * process started with `--expose-gc` uses its global `gc`. Returns undefined when the runtime
 * refuses (the service runs on, only with more memory).
 */
export function releaseBootMemory(): BootMemoryRelease | undefined {
  const gc = exposedGc();
  if (!gc) return undefined;
  const heapBefore = getHeapStatistics().total_heap_size;
  const started = performance.now();
  try {
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    return undefined;
  }
  const tookMs = performance.now() - started;
  const mb = (bytes: number): number => Math.round(bytes / 104857.6) / 10;
  return { heapBeforeMb: mb(heapBefore), heapAfterMb: mb(getHeapStatistics().total_heap_size), tookMs: Math.round(tookMs) };
}

function exposedGc(): GcFunction | undefined {
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') return global as GcFunction;
  try {
    setFlagsFromString('--expose-gc');
    try {
      const gc: unknown = runInNewContext('gc');
      return typeof gc === 'function' ? (gc as GcFunction) : undefined;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  } catch {
    return undefined;
  }
}
