import { performance } from 'node:perf_hooks';
import { BootMemoryRelease, collectGarbage } from './boot-memory';

export interface IdleMemoryReleaseOptions {
  /** How long the event loop must have been idle before the collection; 0 = never (nothing runs). */
  idleMs: number;
  /** How often the event loop's utilisation is sampled. */
  sampleEveryMs?: number;
  /** A window (the last `idleMs`) whose mean share of busy time (0–1) is above this counts as work. */
  busyUtilization?: number;
  /** Called after each collection (for the log). */
  onRelease?: (release: BootMemoryRelease) => void;
  /** Tests: the event loop's utilisation since the previous call (0–1), and the collection. */
  utilization?: () => number;
  collect?: () => BootMemoryRelease | undefined;
}

export interface IdleMemoryRelease {
  stop(): void;
}

/**
 * Hands the memory a burst of work grew back to the OS once the service has been idle a while
 * (ADR 0204, issue 16): one last-resort collection once the event loop's mean utilisation over the
 * last `idleMs` is at most `busyUtilization`, then none until work has come again (a window whose
 * mean is above it) and gone.
 *
 * The mean over the window, not every sample (ADR 0214): an idle service's own periodic work (a
 * Kafka client's metadata refresh, a sweep) shows as single samples of a few per cent, which
 * postponed the release for as long as they kept coming, and re-armed it. The collection's own
 * time (~100 ms) is not a sample either: counted, it was "work", and an idle service collected
 * again every `idleMs` + 1 s for good.
 *
 * Why not V8 alone: the young generation grows to its maximum (64 MB) during a boot or a burst of
 * load, and on Node 24 neither shrinking it nor a regular collection gives the pages back (V8 pools
 * them), while V8's memory reducer, which would, kept judging the idle services' allocation rate
 * high. Why not at boot (ADR 0145): a service under load pays for a collection's aftermath (young
 * generation regrown, code recompiled); idle, nobody waits for it. A service that never idles never
 * collects; one that idles between bursts pays the aftermath once per idle spell of `idleMs`.
 */
export function releaseMemoryWhenIdle(options: IdleMemoryReleaseOptions): IdleMemoryRelease {
  if (options.idleMs <= 0) return { stop: () => undefined };
  const sampleEveryMs = options.sampleEveryMs ?? 1000;
  const busy = options.busyUtilization ?? 0.05;
  const utilization = options.utilization ?? eventLoopUtilization();
  const collect = options.collect ?? (() => collectGarbage('last-resort'));
  const size = Math.max(1, Math.round(options.idleMs / sampleEveryMs));
  const window: number[] = [];
  let armed = true;
  const timer = setInterval(() => {
    window.push(utilization());
    if (window.length > size) window.shift();
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    if (mean > busy) {
      armed = true;
      return;
    }
    if (!armed || window.length < size) return;
    armed = false;
    const release = collect();
    // the collection's own time is not the service's work: the next sample starts after it
    utilization();
    if (release) options.onRelease?.(release);
  }, sampleEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The share of time the event loop was busy since the previous call. */
function eventLoopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}
