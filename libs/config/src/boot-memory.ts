import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * `regular`: a full collection. `last-resort`: one that also reduces memory at once — the young
 * generation back to its minimum and the pages V8 pools for it unmapped (Node 24 keeps them after a
 * regular one) — at the price of compiled code to redo (ADR 0204).
 */
export type CollectionFlavor = 'regular' | 'last-resort';
type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: CollectionFlavor }) => void;

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
 * 210 MB RSS with 30–45 MB of live heap. A full collection now drops the boot's garbage and starts
 * V8's memory reducer, which, once the process allocates little, shrinks the young generation to
 * its minimum and unmaps free pages (seconds later). The young generation grows again when traffic
 * asks for it; `--max-semi-space-size` would have capped it for good (ADR 0195).
 *
 * Not free: in paired runs the gateway with this call spent more CPU per accepted send under load
 * than without it (median 1.27x in closed loop, ADR 0145), so services on the send path do not call it.
 *
 * Node offers no such call without `--expose-gc`, which start scripts and images would all have
 * to pass: the flag is set for one new context only, whose `gc` is used once, then unset (left
 * alone when it was on already). A process started with `--expose-gc` uses its global `gc`. Returns undefined when the runtime
 * refuses (the service runs on, only with more memory).
 */
export function releaseBootMemory(): BootMemoryRelease | undefined {
  return collectGarbage('regular');
}

/** One full collection of the given flavor (see releaseBootMemory for how it is reached). */
export function collectGarbage(flavor: CollectionFlavor): BootMemoryRelease | undefined {
  const gc = exposedGc();
  if (!gc) return undefined;
  const heapBefore = getHeapStatistics().total_heap_size;
  const started = performance.now();
  try {
    gc({ type: 'major', execution: 'sync', flavor });
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
    // Someone turned the flag on already (a test runner): use it, leave it as it is.
    const already: unknown = runInNewContext("typeof gc === 'function' ? gc : undefined");
    if (typeof already === 'function') return already as GcFunction;
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
