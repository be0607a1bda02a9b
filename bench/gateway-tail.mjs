// Where the slowest requests of the gateway bench's half-max phase spend their time (H2, issue
// 16): `npx node bench/gateway-tail.mjs [rate=half of max] [seconds=10] [idleSec=0]` (npx: Node
// 24). Not run by `npm run bench`. One built gateway (apps/gateway/dist, or GATEWAY_ENTRY) with
// bench/lib/gateway-tail-preload.cjs; the bench's phases: warm-up (16 conn, 3 s), max (closed
// loop, 64 conn, 10 s), optionally `idleSec` idle (the gateway bench idles ~10 s here while the
// baseline runs), then an open loop at `rate` with the bench's bodies, recording per request when
// it was due, sent and answered. Joined by Idempotency-Key with the gateway's own records, each
// request's latency splits into: client lag (due → sent), to server (sent → the gateway's
// 'request' event: the socket, and the gateway's event loop not running), handler (→ queued in
// the AcceptBatcher), queue (→ its batch starts), begin (→ BEGIN + INSERT sent, ADR 0210: the pool), INSERT (BEGIN + INSERT answered),
// produce (acks=all), COMMIT (WAL flush), answer (→ 'finish'), back (→ the client has it).
// Also: the 250 ms windows the slowest 1 % fall in, GC pauses, event-loop lateness of the
// gateway and of the load generator itself, and the gateway's main thread's run and run-queue
// wait (/proc/<pid>/task/<pid>/schedstat, every 20 ms). Clocks: both processes use
// performance.timeOrigin + now() (same host); `back` can come out slightly negative.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchKafka, deleteBenchTopics, messageCount } from './lib/kafka.mjs';
import { closedLoop, percentiles } from './lib/load.mjs';
import { freePort, readCpuSeconds, startNodeProcess } from './lib/process.mjs';
import { benchDatabaseUrl, ROOT } from './lib/result.mjs';

const [rateArg, secArg = '10', idleArg = '0'] = process.argv.slice(2);
const seconds = Number(secArg), idleSec = Number(idleArg);
const entry = process.env.GATEWAY_ENTRY || join(ROOT, 'apps', 'gateway', 'dist', 'main.js');
const log = (s) => process.stderr.write(`${s}\n`);
const now = () => performance.timeOrigin + performance.now();
const kafka = benchKafka('bench-gateway-tail');
const suffix = `tail${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const serverOut = join(tmpdir(), `gateway-tail-${suffix}.json`);
const adminToken = randomBytes(16).toString('hex');
const phoneNumberId = `1${Date.now()}`.slice(0, 15);

const proc = await startNodeProcess({
  name: 'gateway', entry, port: await freePort(), managementPort: await freePort(), timeoutMs: 90000,
  execArgv: ['--require', join(ROOT, 'bench', 'lib', 'gateway-tail-preload.cjs'),
    // GATEWAY_TAIL_CPU_PROF=<dir>: a CPU profile of the gateway (written when it stops)
    ...(process.env.GATEWAY_TAIL_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GATEWAY_TAIL_CPU_PROF}`] : [])],
  env: {
    NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn', GATEWAY_TAIL_OUT: serverOut,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', KAFKA_PARTITIONS: '6', TOPIC_SUFFIX: suffix,
    DATABASE_URL: benchDatabaseUrl(), DATABASE_SCHEMA: `gateway_${suffix}`, DB_POOL_SIZE: '40',
    ADMIN_TOKEN: adminToken, INTERNAL_TOKEN: randomBytes(24).toString('hex'), ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    CONSUMER_GROUP: `bench-gateway-${suffix}`, RATE_LIMIT_PER_MINUTE: '100000000',
  },
});
const admin = async (method, path, body) => {
  const r = await fetch(proc.url + path, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(j)}`);
  return j;
};
let n = 0;
let next;
try {
  const tenant = await admin('POST', '/admin/v1/tenants', { name: 'tail' });
  await admin('POST', '/admin/v1/apps', { appId: 'bench-tail-app', appSecret: 'x'.repeat(32), verifyToken: 'tail' });
  await admin('POST', `/admin/v1/tenants/${tenant.id}/phone-numbers`, { phoneNumberId, displayPhoneNumber: '+1 555 0100', wabaId: phoneNumberId, appId: 'bench-tail-app', accessToken: 'tail-token' });
  const runTag = randomBytes(3).toString('hex');
  // The gateway bench's bodies (bench/gateway.bench.mjs).
  next = () => {
    const i = n++;
    const base = { phoneNumberId, to: '+14155550123', metadata: { run: runTag, seq: String(i) } };
    const body = i % 3 === 0 ? { ...base, type: 'text', text: { body: `Order ${i} is ready for pickup` } }
      : i % 3 === 1 ? { ...base, type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: String(i) }] }] } }
        : { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'Confirm?' }, action: { buttons: [{ type: 'reply', reply: { id: `y${i}`, title: 'Yes' } }, { type: 'reply', reply: { id: `n${i}`, title: 'No' } }] } } };
    return { body: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey.key}`, 'idempotency-key': `${runTag}-${i}` } };
  };
  await closedLoop({ url: proc.url, path: '/v1/messages', connections: 16, durationSec: 3, makeRequest: next });
  // GATEWAY_TAIL_SKIP_MAX=1 (with a rate given): no max phase, e.g. for a profile of the open loop alone
  const max = process.env.GATEWAY_TAIL_SKIP_MAX === '1' && rateArg ? null
    : await closedLoop({ url: proc.url, path: '/v1/messages', connections: 64, durationSec: 10, makeRequest: next });
  const rate = rateArg ? Number(rateArg) : Math.max(1, Math.floor(max.rps / 2));
  log(`${max ? `max ${max.rps}/s (p99 ${max.latencyMs.p99} ms)` : 'max phase skipped'}; open loop at ${rate}/s for ${seconds} s after ${idleSec} s idle`);
  if (idleSec > 0) await new Promise((r) => setTimeout(r, idleSec * 1000));

  const load0 = loadavg()[0];
  log(`open loop starts ${new Date().toISOString()}`);
  const cpu0 = readCpuSeconds(proc.pid);
  const sched = [];
  const schedTimer = setInterval(() => {
    try {
      const [run, wait] = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/schedstat`, 'utf8').split(' ').map(Number);
      sched.push([now(), run, wait]);
    } catch { /* not Linux */ }
  }, 20);
  const clientStalls = [];
  let lastTick = performance.now();
  const stallTimer = setInterval(() => {
    const t = performance.now();
    if (t - lastTick > 15) clientStalls.push({ at: performance.timeOrigin + t, ms: t - lastTick - 5 });
    lastTick = t;
  }, 5);
  // The open loop of bench/lib/load.mjs, keeping each request's times.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
  const total = Math.round(rate * seconds);
  const recs = [];
  let done = 0;
  let allDone;
  const finished = new Promise((r) => (allDone = r));
  const settle = (r) => { recs.push(r); if (++done === total) allDone(); };
  const fire = (due) => {
    const { body, headers } = next();
    const r = { key: headers['idempotency-key'], due, sent: now() };
    const req = http.request({ host: '127.0.0.1', port: new URL(proc.url).port, path: '/v1/messages', method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => { r.done = now(); r.status = res.statusCode; settle(r); });
    });
    req.on('error', () => { r.error = true; settle(r); });
    req.end(body);
  };
  const start = now();
  const interval = 1000 / rate;
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      while (sent < total && start + sent * interval <= now()) fire(start + interval * sent++);
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, start + sent * interval - now())));
    };
    tick();
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, 10000))]);
  clearInterval(schedTimer);
  clearInterval(stallTimer);
  agent.destroy();
  const cpuMs = (readCpuSeconds(proc.pid) - cpu0) * 1000;
  const inKafka = await messageCount(kafka, `wa.outbound.requested.v1.${suffix}`);
  await proc.stop();
  report({ rate, start, recs, sched, clientStalls, cpuMs, load: [load0, loadavg()[0]], inKafka, server: JSON.parse(readFileSync(serverOut, 'utf8')) });
} finally {
  await proc.stop().catch(() => undefined);
  rmSync(serverOut, { force: true });
  const client = new pg.Client({ connectionString: benchDatabaseUrl() });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "gateway_${suffix}" CASCADE`).catch(() => undefined);
  await client.end();
  await deleteBenchTopics(kafka, suffix, [], [`bench-gateway-${suffix}`]).catch(() => undefined);
}
process.exit(0);

function report({ rate, start, recs, sched, clientStalls, cpuMs, load, inKafka, server: s }) {
  const f1 = (x) => (x === undefined || x === null ? '-' : x.toFixed(1));
  const reqs = new Map(s.reqs.map((r) => [r.key, r]));
  const ok = recs.filter((r) => r.status === 202);
  const rows = [];
  for (const r of ok) {
    const q = reqs.get(r.key); const e = s.enqueued[r.key]; const b = e && s.batches[e.batch];
    if (!q || !b || b.commit === undefined) continue;
    rows.push({ at: r.due - start, total: r.done - r.due, client: r.sent - r.due, toServer: q.arrive - r.sent, handler: e.at - q.arrive, queue: b.start - e.at,
      begin: b.tx - b.start, insert: b.ins - b.tx, produce: b.prod - b.ins, commit: b.commit - b.prod, answer: q.finish - b.commit, back: r.done - q.finish, batch: b.n });
  }
  rows.sort((a, b) => a.total - b.total);
  const lat = percentiles(ok.map((r) => r.done - r.due));
  const stalls = (list) => list.filter((x) => x.at >= start && x.at <= start + seconds * 1000);
  log(`\nopen loop ${rate}/s ${seconds} s: ${ok.length}/${recs.length} answered 202, in Kafka ${inKafka}; p50 ${f1(lat.p50)} p90 ${f1(lat.p90)} p99 ${f1(lat.p99)} p999 ${f1(lat.p999)} max ${f1(lat.max)} ms; gateway CPU ${f1(cpuMs / ok.length)} ms/send; load ${load.map((x) => x.toFixed(2)).join(' → ')}`);
  const keys = ['total', 'client', 'toServer', 'handler', 'queue', 'begin', 'insert', 'produce', 'commit', 'answer', 'back', 'batch'];
  log(`\nmean ms per stage of each latency band (${rows.length} requests joined):\n| band | ${keys.join(' | ')} |\n|${'---|'.repeat(keys.length + 1)}`);
  for (const [lo, hi] of [[0, 0.5], [0.5, 0.9], [0.9, 0.98], [0.98, 0.99], [0.99, 1]]) {
    const band = rows.slice(Math.floor(lo * rows.length), Math.floor(hi * rows.length));
    if (band.length) log(`| p${lo * 100}–${hi * 100} | ${keys.map((k) => f1(band.reduce((a, r) => a + r[k], 0) / band.length)).join(' | ')} |`);
  }
  const slowest = rows.slice(Math.floor(0.99 * rows.length));
  const windows = {};
  for (const r of slowest) { const w = Math.floor(r.at / 250) * 250; windows[w] = (windows[w] ?? 0) + 1; }
  log(`\nthe slowest 1 % by 250 ms window of the run (start ms: count): ${JSON.stringify(windows)}`);
  // the batches from 300 ms before the slowest request was due until it was answered: what stalled
  const worst = rows.at(-1);
  if (worst) {
    const from = start + worst.at - 300, to = start + worst.at + worst.total;
    const near = s.batches.filter((b) => b.end >= from && b.start <= to);
    const ms = (x, y) => (x === undefined || y === undefined ? '-' : (x - y).toFixed(1));
    log(`batches around the slowest request (due at ${worst.at.toFixed(0)} ms, ${worst.total.toFixed(1)} ms): start ms, sends, begin/INSERT/produce/COMMIT/end ms, gap before it ms`);
    let prevEnd;
    for (const b of near) {
      log(`  ${(b.start - start).toFixed(1)}: ${b.n} sends, ${ms(b.tx, b.start)}/${ms(b.ins, b.tx)}/${ms(b.prod, b.ins)}/${ms(b.commit, b.prod)}/${ms(b.end, b.commit)}, gap ${ms(b.start, prevEnd)}`);
      prevEnd = b.end;
    }
  }
  const gcs = s.gcs.filter((g) => g.at >= start && g.at <= start + seconds * 1000);
  const byKind = {};
  for (const g of gcs) { const k = byKind[g.kind] ??= { n: 0, ms: 0, max: 0 }; k.n++; k.ms += g.ms; k.max = Math.max(k.max, g.ms); }
  log(`GC by kind (1 scavenge, 4 mark-compact, 8 weak callbacks): ${Object.entries(byKind).map(([k, v]) => `${k}: ${v.n} × , ${f1(v.ms)} ms, max ${f1(v.max)}`).join('; ')}`);
  const ss = stalls(s.stalls); const cs = stalls(clientStalls);
  log(`event loop late > 10 ms: gateway ${ss.length}× (${f1(ss.reduce((a, x) => a + x.ms, 0))} ms), load generator ${cs.length}× (${f1(cs.reduce((a, x) => a + x.ms, 0))} ms)`);
  const blocks = s.toRow.filter(([at]) => at >= start && at <= start + seconds * 1000);
  log(`request log rows made: ${blocks.length}, ${f1(blocks.reduce((a, [, d]) => a + d, 0))} ms; flushes ${s.flushes.filter((x) => x.start >= start).length}; pg connects/ends in the run: ${s.pg.filter((e) => e.at >= start - 2000).map((e) => `${Math.round(e.at - start)} ${e.ev}`).join(', ') || 'none'}`);
  if (sched.length > 1) {
    let run = 0, wait = 0;
    const perWindow = {};
    for (let i = 1; i < sched.length; i++) {
      const w = Math.floor((sched[i][0] - start) / 250) * 250; const d = perWindow[w] ??= { run: 0, wait: 0 };
      d.run += (sched[i][1] - sched[i - 1][1]) / 1e6; d.wait += (sched[i][2] - sched[i - 1][2]) / 1e6;
      run += (sched[i][1] - sched[i - 1][1]) / 1e6; wait += (sched[i][2] - sched[i - 1][2]) / 1e6;
    }
    const maxLat = {};
    for (const r of rows) { const w = Math.floor(r.at / 250) * 250; maxLat[w] = Math.max(maxLat[w] ?? 0, r.total); }
    log(`gateway main thread: running ${f1(run)} ms, runnable but waiting for a CPU ${f1(wait)} ms`);
    log(`per 250 ms window, start: running/waiting ms → slowest answer ms: ${Object.keys(perWindow).map(Number).sort((a, b) => a - b).map((w) => `${w}: ${perWindow[w].run.toFixed(0)}/${perWindow[w].wait.toFixed(0)} → ${(maxLat[w] ?? 0).toFixed(0)}`).join(', ')}`);
  }
}
