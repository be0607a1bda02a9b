// Load generators shared by the benches. Both call `makeRequest()` once per request, so every
// request can carry unique ids and its own signature, and both report the same stats shape:
//   { mode, offered?, durationSec, requests, ok, non2xx, errors, rps, latencyMs: {p50,p90,p99,p999,max,mean}, statusCodes }
// `rps` counts 2xx answers only; latencies are of 2xx answers only.
import http from 'node:http';
import autocannon from 'autocannon';
import { intEnv } from './result.mjs';

/**
 * The HTTP benches' common load shape (same env names in every bench): closed-loop
 * connections and duration, warm-up, and the partitions of the topics they create.
 */
export function httpLoadConfig() {
  return {
    connections: intEnv('BENCH_CONNECTIONS', 64),
    durationSec: intEnv('BENCH_DURATION_SEC', 10),
    warmupSec: intEnv('BENCH_WARMUP_SEC', 3),
    warmupConnections: 16,
    partitions: 6,
  };
}

export function percentiles(values) {
  if (values.length === 0) return { p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  const sorted = Float64Array.from(values).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: sorted[sorted.length - 1], mean: sum / sorted.length };
}

/**
 * Runs `once` every `intervalMs` (counted from the end of the previous run) until stopped, timing
 * each run: the background probes of the benches (a produce, a commit). A run that throws ends the
 * probe; the samples taken so far are kept. `stop()` resolves with `{ at, ms }` per run (wall-clock
 * end, duration).
 */
export function startTimedProbe(once, intervalMs) {
  const samples = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await once();
      samples.push({ at: Date.now(), ms: performance.now() - t0 });
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })().catch(() => undefined);
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** p50, p99 and max of a probe's durations in ms (two decimals), and how many it took. */
export function probeSummary(samples) {
  const p = percentiles(samples.map((s) => s.ms));
  const r2 = (v) => (v === null ? null : Math.round(v * 100) / 100);
  return { p50: r2(p.p50), p99: r2(p.p99), max: r2(p.max), count: samples.length };
}

const r3 = (n) => (n === null ? null : Math.round(n * 1000) / 1000);
function roundLatency(l) {
  return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, r3(v)]));
}

/**
 * Closed loop (autocannon): `connections` keep-alive connections, each sending its next request
 * as soon as the previous one is answered, for `durationSec`. Measures the maximum rate.
 * `makeRequest()` returns { body: Buffer|string, headers }.
 */
export async function closedLoop({ url, path, method = 'POST', connections = 64, durationSec = 10, makeRequest, timeoutSec = 10 }) {
  const latencies = [];
  const statusCodes = {};
  const instance = autocannon({
    url: url + path,
    connections,
    duration: durationSec,
    timeout: timeoutSec,
    pipelining: 1,
    requests: [{
      method,
      path,
      setupRequest: (req) => {
        const { body, headers } = makeRequest();
        return { ...req, method, path, body, headers };
      },
    }],
  });
  instance.on('response', (_client, statusCode, _bytes, durationMs) => {
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(durationMs);
  });
  const result = await instance;
  const ok = result['2xx'];
  return {
    mode: 'closed',
    connections,
    durationSec: result.duration,
    requests: ok + result.non2xx,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    rps: Math.round((ok / result.duration) * 10) / 10,
    latencyMs: roundLatency(percentiles(latencies)),
    statusCodes,
  };
}

/**
 * Open loop: sends at a fixed `rate` (req/s) for `durationSec` regardless of how fast answers
 * come, over a keep-alive agent with up to `maxSockets` connections. Latency is measured from
 * each request's *scheduled* send time, so queueing behind a slow server counts (no
 * coordinated omission). Stops by itself: requests still open `drainTimeoutMs` after the last
 * send count as errors.
 */
export async function openLoop({ url, path, method = 'POST', rate, durationSec = 10, makeRequest, maxSockets = 256, drainTimeoutMs = 10000 }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const latencies = [];
  const statusCodes = {};
  const total = Math.max(1, Math.round(rate * durationSec));
  let sent = 0;
  let done = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let finishAll;
  const allDone = new Promise((r) => (finishAll = r));
  const finishOne = () => {
    done += 1;
    if (done === total) finishAll();
  };

  const fire = (scheduledAt) => {
    const { body, headers } = makeRequest();
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      return true;
    };
    const req = http.request({
      host: target.hostname, port: target.port, path, method, agent,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        if (!settle()) return;
        const code = res.statusCode ?? 0;
        statusCodes[code] = (statusCodes[code] ?? 0) + 1;
        if (code >= 200 && code < 300) {
          ok += 1;
          latencies.push(performance.now() - scheduledAt);
        } else {
          non2xx += 1;
        }
        finishOne();
      });
    });
    req.on('error', () => {
      if (!settle()) return;
      errors += 1;
      finishOne();
    });
    req.end(body);
  };

  const start = performance.now();
  const intervalMs = 1000 / rate;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Fire everything whose scheduled time has come (timers are coarse; the schedule is not).
      while (sent < total && start + sent * intervalMs <= now) {
        fire(start + sent * intervalMs);
        sent += 1;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, start + sent * intervalMs - performance.now())));
    };
    tick();
  });
  const sendEnd = performance.now();
  const drained = await Promise.race([allDone.then(() => true), new Promise((r) => setTimeout(() => r(false), drainTimeoutMs).unref())]);
  const unanswered = total - done;
  agent.destroy();
  return {
    mode: 'open',
    offered: rate,
    durationSec: Math.round(((sendEnd - start) / 1000) * 100) / 100,
    requests: total,
    ok,
    non2xx,
    errors: errors + (drained ? 0 : unanswered),
    timeouts: drained ? 0 : unanswered,
    rps: Math.round((ok / ((sendEnd - start) / 1000)) * 10) / 10,
    latencyMs: roundLatency(percentiles(latencies)),
    statusCodes,
  };
}
