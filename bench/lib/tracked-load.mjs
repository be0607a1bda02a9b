// Load generators that keep every answer (for benches that follow each request further than
// its HTTP answer, e.g. the end-to-end bench: 202 id → Graph call). Like load.mjs' open and
// closed loops, but over node:http to one or more targets (round robin), and each answer is
// handed to `onResponse({ target, status, body, scheduledAt, sentAt, answeredAt })` with the
// raw body (Buffer) and epoch times in ms with sub-ms precision (comparable with Date.now()
// of other processes on this machine). Stats shape as load.mjs:
//   { mode, offered?, durationSec, requests, ok, non2xx, errors, unanswered, rps, latencyMs, statusCodes }
// where latency is scheduled (open) or sent (closed) → answered, 2xx only.
import http from 'node:http';
import { percentiles } from './load.mjs';

/** Epoch milliseconds with sub-millisecond precision (performance clock, Date's origin). */
export const epochNow = () => performance.timeOrigin + performance.now();

const r3 = (n) => (n === null ? null : Math.round(n * 1000) / 1000);
const roundLatency = (l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, r3(v)]));

function requester(targets, maxSockets) {
  const parsed = targets.map((t) => {
    const u = new URL(t.url);
    return { ...t, host: u.hostname, port: u.port, agent: new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }) };
  });
  let next = 0;
  return {
    /** Sends one request to the next target; resolves { target, status, body } or { target, error }. */
    send(method, path, { body, headers }) {
      const t = parsed[next++ % parsed.length];
      return new Promise((resolve) => {
        const req = http.request({
          host: t.host, port: t.port, path, method, agent: t.agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ target: t.url, status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', (error) => resolve({ target: t.url, error }));
        });
        req.on('error', (error) => resolve({ target: t.url, error }));
        req.end(body);
      });
    },
    destroy() {
      for (const t of parsed) t.agent.destroy();
    },
  };
}

/**
 * Open loop at a fixed `rate` (req/s) for `durationSec` over `targets` ([{url}], round robin),
 * whatever the answers do; latency from each request's scheduled time (no coordinated
 * omission). Requests still open `drainTimeoutMs` after the last send count as `unanswered`
 * in the stats; they are not aborted (a server may still act on them), and their answers still
 * reach `onResponse`; the sockets are closed once the last one is in.
 */
export async function trackedOpenLoop({ targets, path, method = 'POST', rate, durationSec, makeRequest, onResponse = () => undefined, maxSockets = 256, drainTimeoutMs = 15000 }) {
  const client = requester(targets, maxSockets);
  const total = Math.max(1, Math.round(rate * durationSec));
  const latencies = [];
  const statusCodes = {};
  let sent = 0;
  let done = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let lastOkAt = 0;
  let finishAll;
  const allDone = new Promise((r) => (finishAll = r));
  const fire = (scheduledAt) => {
    const request = makeRequest();
    const sentAt = epochNow();
    client.send(method, path, request).then((res) => {
      const answeredAt = epochNow();
      if (res.error) errors += 1;
      else {
        statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1;
        if (res.status >= 200 && res.status < 300) {
          ok += 1;
          lastOkAt = answeredAt;
          latencies.push(answeredAt - scheduledAt);
        } else non2xx += 1;
        onResponse({ target: res.target, status: res.status, body: res.body, scheduledAt, sentAt, answeredAt, request });
      }
      done += 1;
      if (done === total) finishAll();
    });
  };
  const start = epochNow();
  const intervalMs = 1000 / rate;
  await new Promise((resolve) => {
    const tick = () => {
      const now = epochNow();
      // Fire everything whose scheduled time has come (timers are coarse; the schedule is not).
      while (sent < total && start + sent * intervalMs <= now) {
        fire(start + sent * intervalMs);
        sent += 1;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, start + sent * intervalMs - epochNow())));
    };
    tick();
  });
  const sendEnd = epochNow();
  const drained = await Promise.race([allDone.then(() => true), new Promise((r) => setTimeout(() => r(false), drainTimeoutMs).unref())]);
  const unanswered = total - done;
  if (drained) client.destroy();
  else void allDone.then(() => client.destroy());
  return {
    mode: 'open', offered: rate, startedAt: start, durationSec: Math.round(((sendEnd - start) / 1000) * 100) / 100,
    requests: total, ok, non2xx, errors, unanswered,
    // 2xx per second until the last 2xx answer (a server that falls behind answers after the sends end)
    rps: Math.round((ok / ((Math.max(sendEnd, lastOkAt) - start) / 1000)) * 10) / 10,
    answeredSec: Math.round(((Math.max(sendEnd, lastOkAt) - start) / 1000) * 100) / 100,
    latencyMs: roundLatency(percentiles(latencies)), statusCodes: { ...statusCodes },
  };
}

/**
 * Closed loop: `connections` workers spread over `targets`, each sending its next request as
 * soon as the previous one is answered, for `durationSec`: the maximum rate. Latency from send.
 */
export async function trackedClosedLoop({ targets, path, method = 'POST', connections = 64, durationSec, makeRequest, onResponse = () => undefined }) {
  const client = requester(targets, connections);
  const latencies = [];
  const statusCodes = {};
  let requests = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const start = epochNow();
  const end = start + durationSec * 1000;
  const worker = async () => {
    while (epochNow() < end) {
      const request = makeRequest();
      const sentAt = epochNow();
      requests += 1;
      const res = await client.send(method, path, request);
      const answeredAt = epochNow();
      if (res.error) {
        errors += 1;
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1;
      if (res.status >= 200 && res.status < 300) {
        ok += 1;
        latencies.push(answeredAt - sentAt);
      } else non2xx += 1;
      onResponse({ target: res.target, status: res.status, body: res.body, scheduledAt: sentAt, sentAt, answeredAt, request });
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedSec = (epochNow() - start) / 1000;
  client.destroy();
  return {
    mode: 'closed', connections, startedAt: start, durationSec: Math.round(elapsedSec * 100) / 100,
    requests, ok, non2xx, errors, unanswered: 0,
    rps: Math.round((ok / elapsedSec) * 10) / 10,
    latencyMs: roundLatency(percentiles(latencies)), statusCodes,
  };
}
