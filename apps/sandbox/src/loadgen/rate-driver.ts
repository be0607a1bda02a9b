/**
 * Open-loop load at a fixed rate: requests start every `1 / rate` seconds whatever the
 * latency of earlier ones, so a slow target shows up as latency and errors rather than as a
 * lower offered rate. The rate is a ceiling: when the generator itself falls behind (a busy
 * machine), it resumes from now instead of firing the missed requests in a burst, which would
 * measure the generator rather than the target. Bounded by count, duration and in-flight
 * requests (a request that would exceed `maxInFlight` is skipped and counted).
 */
export interface RateOptions {
  /** Requests per second. */
  rate: number;
  /** Stop after this many requests. */
  count: number;
  /** Stop starting requests after this many ms. */
  durationMs: number;
  maxInFlight: number;
}

/** One request's outcome: an HTTP status, or a label such as `error` for a network failure. */
export type Outcome = number | string;

export interface RateResult {
  started: number;
  skipped: number;
  elapsedMs: number;
  offeredRate: number;
  outcomes: Record<string, number>;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** The outcome of each started request, in start order (for tests that look at phases). */
  timeline: { atMs: number; outcome: Outcome }[];
}

export async function runAtRate(options: RateOptions, task: (index: number) => Promise<Outcome>): Promise<RateResult> {
  if (!(options.rate > 0) || !(options.count >= 0) || !(options.durationMs > 0)) throw new RangeError('rate, count and duration must be positive');
  const start = performance.now();
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const timeline: RateResult['timeline'] = [];
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / options.rate;
  let started = 0;
  let skipped = 0;
  let due = start;
  for (let i = 0; i < options.count; i++, due = Math.max(due + interval, performance.now())) {
    if (due - start >= options.durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= options.maxInFlight) {
      skipped++;
      continue;
    }
    started++;
    const t0 = performance.now();
    const slot = timeline.length;
    timeline.push({ atMs: Math.round(t0 - start), outcome: 'pending' });
    const run = task(i)
      .catch(() => 'error' as Outcome)
      .then((outcome) => {
        latencies.push(performance.now() - t0);
        outcomes[String(outcome)] = (outcomes[String(outcome)] ?? 0) + 1;
        const entry = timeline[slot];
        if (entry) entry.outcome = outcome;
      });
    const tracked = run.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all([...inFlight]);
  const elapsedMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 10) / 10;
  return {
    started,
    skipped,
    elapsedMs: Math.round(elapsedMs),
    offeredRate: Math.round((started / Math.max(1, elapsedMs)) * 1000 * 10) / 10,
    outcomes,
    latencyMs: { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: pct(1) },
    timeline,
  };
}
