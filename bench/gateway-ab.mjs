// Paired A/B of two gateway builds (ADR 0118): `npx node bench/gateway-ab.mjs <distA/main.js>
// <distB/main.js> [rounds=4] [openRate=300] [segmentSec=5]` (npx: Node 24 from node_modules). Both
// gateways run at once, each with its own schema and topics in wabridge_bench
// (BENCH_DATABASE_URL), and take turns under the same load — per round a closed-loop segment
// (64 connections) each, then an open-loop segment at `openRate` each, the order flipped every
// round — so both builds see the same machine. On a box shared with other engineers the load
// swings between two sequential bench runs by more than a change is worth; read the per-round
// B/A ratios of CPU per accepted send it prints, not one run's. Not run by `npm run bench`.
// A build to compare against: `git worktree add --detach /tmp/old <commit>`, a node_modules in it
// whose `@wabridge/*` links point at its own libs, then its dist (tsc) — see ADR 0118.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { benchKafka, deleteBenchTopics, messageCount } from './lib/kafka.mjs';
import { closedLoop, openLoop } from './lib/load.mjs';
import { freePort, readCpuSeconds, startNodeProcess } from './lib/process.mjs';
import { benchDatabaseUrl } from './lib/result.mjs';
const [entryA, entryB, roundsArg = '4', rateArg = '300', segArg = '5'] = process.argv.slice(2);
const rounds = Number(roundsArg), rate = Number(rateArg), seg = Number(segArg);
if (!entryA || !entryB) throw new Error('usage: npx node bench/gateway-ab.mjs <entryA> <entryB> [rounds] [openRate] [segmentSec]');
const kafka = benchKafka('bench-gateway-ab');
const gws = {};
const log = (s) => process.stderr.write(s + '\n');
async function start(label, entry) {
  const suffix = `ab${label.toLowerCase()}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const adminToken = randomBytes(16).toString('hex');
  const phoneNumberId = `1${Date.now()}${label === 'A' ? 1 : 2}`.slice(0, 15);
  const port = await freePort();
  const proc = await startNodeProcess({ name: 'gateway', entry, port, managementPort: await freePort(), timeoutMs: 90000, env: {
    NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_OPTIONS: '',
    KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_PARTITIONS: '6', TOPIC_SUFFIX: suffix,
    DATABASE_URL: benchDatabaseUrl(), DATABASE_SCHEMA: `gateway_${suffix}`, DB_POOL_SIZE: '40',
    ADMIN_TOKEN: adminToken, INTERNAL_TOKEN: randomBytes(24).toString('hex'), ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    CONSUMER_GROUP: `bench-gateway-${suffix}`, RATE_LIMIT_PER_MINUTE: '100000000' } });
  const admin = async (method, path, body) => { const r = await fetch(proc.url + path, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }); const j = await r.json(); if (!r.ok) throw new Error(JSON.stringify(j)); return j; };
  const tenant = await admin('POST', '/admin/v1/tenants', { name: 'ab' });
  await admin('POST', '/admin/v1/apps', { appId: 'bench-ab-app', appSecret: 'x'.repeat(32), verifyToken: 'ab' });
  await admin('POST', `/admin/v1/tenants/${tenant.id}/phone-numbers`, { phoneNumberId, displayPhoneNumber: '+1 555 0100', wabaId: phoneNumberId, appId: 'bench-ab-app', accessToken: 'ab-token' });
  let n = 0; const runTag = randomBytes(3).toString('hex'); const key = tenant.apiKey.key;
  const next = () => { const i = n++; const kind = i % 3; const base = { phoneNumberId, to: '+14155550123', metadata: { run: runTag, seq: String(i) } };
    const b = kind === 0 ? { ...base, type: 'text', text: { body: `Order ${i} is ready for pickup` } } : kind === 1 ? { ...base, type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: String(i) }] }] } } : { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'Confirm?' }, action: { buttons: [{ type: 'reply', reply: { id: `y${i}`, title: 'Yes' } }, { type: 'reply', reply: { id: `n${i}`, title: 'No' } }] } } };
    return { body: Buffer.from(JSON.stringify(b)), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'idempotency-key': `${runTag}-${i}` } }; };
  gws[label] = { proc, suffix, next, ok: 0, segs: { closed: [], open: [] } };
}
// CPU of the Postgres backends serving a gateway (application_name = its schema, ADR 0210):
// pids from pg_stat_activity, utime+stime from /proc (the bench runs on the database's machine).
let stats;
const procCpu = (pid) => readCpuSeconds(pid) ?? 0; // a backend gone meanwhile: 0
async function backendCpu(l) {
  const { rows } = await stats.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [`gateway_${gws[l].suffix}`]);
  return new Map(rows.map((r) => [r.pid, procCpu(r.pid)]));
}
function backendCpuSince(before, after) {
  let s = 0;
  for (const [pid, cpu] of after) s += cpu - (before.get(pid) ?? 0);
  for (const [pid, cpu] of before) if (!after.has(pid)) s += Math.max(0, procCpu(pid) - cpu); // closed meanwhile: its last reading
  return s;
}
const res = [];
try {
  stats = new pg.Client({ connectionString: benchDatabaseUrl() }); await stats.connect();
  await start('A', entryA); await start('B', entryB);
  for (const l of ['A', 'B']) await closedLoop({ url: gws[l].proc.url, path: '/v1/messages', connections: 16, durationSec: 3, makeRequest: gws[l].next });
  const run = async (l, mode) => {
    const g = gws[l]; const b0 = await backendCpu(l); const c0 = readCpuSeconds(g.proc.pid); const l0 = loadavg()[0];
    const s = mode === 'closed' ? await closedLoop({ url: g.proc.url, path: '/v1/messages', connections: 64, durationSec: seg, makeRequest: g.next })
      : await openLoop({ url: g.proc.url, path: '/v1/messages', rate, durationSec: seg, makeRequest: g.next });
    const cpu = readCpuSeconds(g.proc.pid) - c0; g.ok += s.ok; const pgCpu = backendCpuSince(b0, await backendCpu(l));
    const r = { l, mode, rps: s.rps, p50: s.latencyMs.p50, p99: s.latencyMs.p99, cpuMsPerOk: +(cpu * 1000 / s.ok).toFixed(3), pgCpuMsPerOk: +(pgCpu * 1000 / s.ok).toFixed(3), cores: +(cpu / seg).toFixed(2), load: +l0.toFixed(1), bad: s.non2xx + s.errors };
    res.push(r); log(JSON.stringify(r));
  };
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
    for (const l of order) await run(l, 'closed');
    for (const l of order) await run(l, 'open');
  }
  for (const l of ['A', 'B']) { const inK = await messageCount(kafka, `wa.outbound.requested.v1.${gws[l].suffix}`); log(`${l}: accepted ${gws[l].ok}, in kafka ${inK}`); }
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  for (const mode of ['closed', 'open']) for (const l of ['A', 'B']) { const rr = res.filter((r) => r.l === l && r.mode === mode);
    log(`${mode} ${l}: median rps ${med(rr.map((r) => r.rps))} cpu/ok ${med(rr.map((r) => r.cpuMsPerOk))} pg cpu/ok ${med(rr.map((r) => r.pgCpuMsPerOk))} p50 ${med(rr.map((r) => r.p50))} p99 ${med(rr.map((r) => r.p99))} | cpu/ok all ${rr.map((r) => r.cpuMsPerOk).join(',')} | p99 all ${rr.map((r) => Math.round(r.p99)).join(',')}`); }
  for (const mode of ['closed', 'open']) { const a = res.filter((r) => r.l === 'A' && r.mode === mode), b = res.filter((r) => r.l === 'B' && r.mode === mode);
    log(`${mode} paired B/A cpu/ok ratios: ${a.map((x, i) => (b[i].cpuMsPerOk / x.cpuMsPerOk).toFixed(2)).join(' ')}; pg cpu/ok: ${a.map((x, i) => (b[i].pgCpuMsPerOk / x.pgCpuMsPerOk).toFixed(2)).join(' ')}; p99: ${a.map((x, i) => (b[i].p99 / x.p99).toFixed(2)).join(' ')}; rps B/A: ${a.map((x, i) => (b[i].rps / x.rps).toFixed(2)).join(' ')}`); }
} finally {
  await stats?.end().catch(() => {});
  for (const g of Object.values(gws)) await g.proc.stop().catch(() => {});
  const client = new pg.Client({ connectionString: benchDatabaseUrl() }); await client.connect();
  for (const g of Object.values(gws)) { await client.query(`DROP SCHEMA IF EXISTS "gateway_${g.suffix}" CASCADE`).catch(() => {}); await deleteBenchTopics(kafka, g.suffix, [], [`bench-gateway-${g.suffix}`]).catch(() => {}); }
  await client.end();
}
process.exit(0);
