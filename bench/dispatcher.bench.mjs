// Dispatcher throughput and latency (`npm run bench -- dispatcher`). Self-contained: a Graph
// stub (counts sends, enforces a per-number 1 s bucket like Meta and answers 130429 beyond it),
// the built dispatcher as a child process, and in the same run a baseline: a bare kafkajs
// consumer (child process) doing one HTTP POST per message.
//
// Phases (each on a fresh topic suffix, backlog produced before the consumer starts):
//   baseline        N messages, bare consumer, one POST each (eachMessage, no DB, no limits)
//   limits-off      N messages, dispatcher with RATE_LIMITS_ENABLED=false (max sustained sends/s)
//   mps-1000        N messages for one number configured at 1,000 mps
//   mps-200         5,000 messages for one number at 200 mps (issue: ≥ 95 % of 200, zero 130429)
//   sandbox         5,000 messages at 200 mps with the real sandbox (apps/sandbox) as Meta
//   two             5,000 messages each for two numbers at 200 mps at once (must not slow each other)
//   latency-1000    open loop: 700 msg/s produced for 10 s to a 1,000 mps number; request → Graph p50/p99
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { randomBytes, createCipheriv } from 'node:crypto';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { benchKafka, deleteBenchTopics } from './lib/kafka.mjs';
import { freePort, startNodeProcess, sampleProcess } from './lib/process.mjs';
import { machineInfo, row, round, writeResult, ROOT } from './lib/result.mjs';
import { percentiles } from './lib/load.mjs';

const N = Number(process.env.DISPATCHER_BENCH_N ?? 5000);
// DISPATCHER_BENCH_GRAPH_LATENCY_MS: the Graph stub answers this long after a request arrived
// (its call is logged on arrival); 0 = at once. Meta answers in ~100–300 ms, not a loopback's 1 ms.
const GRAPH_LATENCY_MS = Number(process.env.DISPATCHER_BENCH_GRAPH_LATENCY_MS ?? 0);
// DISPATCHER_BENCH_LAT_RATE: the `lat` phase's open-loop rate (msg/s); its result row keeps the name.
const LAT_RATE = Number(process.env.DISPATCHER_BENCH_LAT_RATE ?? 700);
// BENCH_DISPATCHER_ENTRY=<path to main.js>: run another dispatcher build (A/B against an old worktree's dist)
const DISPATCHER_ENTRY = process.env.BENCH_DISPATCHER_ENTRY ?? join(ROOT, 'apps/dispatcher/dist/main.js');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge_bench';
const startedAt = new Date().toISOString();
const KEY = randomBytes(32);
const KEYS = `b1:${KEY.toString('base64')}`;

function seal(plain, aad) {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', KEY, iv);
  c.setAAD(Buffer.from(aad));
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return { alg: 'aes-256-gcm', keyId: 'b1', iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
}

// ---------- Graph stub
const calls = [];
const buckets = new Map();
let stubMps = new Map();
const stub = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = Date.now();
    const m = /\/(\d+)\/messages$/.exec(req.url ?? '');
    const pn = m?.[1] ?? '?';
    let body = {};
    try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* */ }
    const mps = stubMps.get(pn);
    let throttled = false;
    if (mps) {
      const b = buckets.get(pn) ?? { t: mps, at };
      b.t = Math.min(mps, b.t + ((at - b.at) * mps) / 1000);
      b.at = at;
      buckets.set(pn, b);
      if (b.t < 1) throttled = true; else b.t -= 1;
    }
    calls.push({ at, pn, id: body.biz_opaque_callback_data, requestedAt: body.requested_at_hint, throttled });
    // The wamid is fixed on arrival: answers sent later must not share one.
    const wamid = `wamid.${calls.length}`;
    if (GRAPH_LATENCY_MS > 0) {
      setTimeout(() => answer(res, throttled, wamid), GRAPH_LATENCY_MS);
      return;
    }
    answer(res, throttled, wamid);
  });
});

function answer(res, throttled, wamid) {
  if (throttled) {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":130429,"message":"Rate limit hit"}}');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(`{"messaging_product":"whatsapp","messages":[{"id":"${wamid}"}]}`);
}
stub.keepAliveTimeout = 65000;
await new Promise((r) => stub.listen(0, '127.0.0.1', r));
const stubUrl = `http://127.0.0.1:${stub.address().port}`;

const kafka = benchKafka('dispatcher-bench');
const requestedAtById = new Map();

function request(suffixTag, phoneNumberId, i) {
  const id = `b${suffixTag}${String(i).padStart(7, '0')}`;
  const requestedAt = new Date().toISOString();
  requestedAtById.set(id, Date.parse(requestedAt));
  return {
    id, tenantId: 'bench', phoneNumberId, to: String(4910000000000 + i), type: 'template',
    message: { template: { name: 'hello_world', language: { code: 'en_US' } } }, source: 'kafka', requestedAt,
  };
}

function numberEvent(phoneNumberId, mps, graph = { url: stubUrl, token: 'bench-token' }) {
  return {
    phoneNumberId, tenantId: 'bench', displayPhoneNumber: '+1555', wabaId: `w${phoneNumberId}`, appId: 'bench', businessId: `b${phoneNumberId}`,
    status: 'active', mps, tier: 'unlimited', graphBaseUrl: graph.url, graphApiVersion: 'v23.0',
    // AAD = libs/config accessTokenAad (ADR 0072)
    accessToken: seal(graph.token, `number.v2\n${phoneNumberId}\n${graph.url}\n1`), revision: 1, updatedAt: new Date().toISOString(),
  };
}

async function produce(topic, messages) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000).map((m) => ({ key: m.key, value: JSON.stringify(m.value) })) });
  }
  await producer.disconnect();
}

async function ensureTopics(topics, partitions = 3) {
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const wanted = topics.filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 }));
  if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
  await admin.disconnect();
}

async function waitUntil(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function rate(list) {
  const ats = list.map((c) => c.at).sort((a, b) => a - b);
  return ats.length > 1 ? ((ats.length - 1) * 1000) / (ats.at(-1) - ats[0]) : null;
}

const suffixes = [];
function newSuffix(tag) {
  const s = `bench${tag}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  suffixes.push(s);
  return s;
}

// ---------- baseline: bare kafkajs consumer, one POST per message
async function runBaseline() {
  const suffix = newSuffix('base');
  const topic = `wa.outbound.requested.v1.${suffix}`;
  await ensureTopics([topic]);
  const pn = '900001';
  await produce(topic, Array.from({ length: N }, (_, i) => ({ key: pn, value: request('base', pn, i) })));
  const code = `
    import kafkajs from 'kafkajs';
    import http from 'node:http';
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const post = (body) => new Promise((resolve, reject) => {
      const req = http.request(process.env.URL + '/v23.0/' + body.phoneNumberId + '/messages', { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); res.on('end', resolve); });
      req.on('error', reject);
      req.end(JSON.stringify({ messaging_product: 'whatsapp', to: body.to, type: body.type, template: body.message.template, biz_opaque_callback_data: body.id }));
    });
    const k = new kafkajs.Kafka({ clientId: 'baseline', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: kafkajs.logLevel.NOTHING });
    const c = k.consumer({ groupId: 'baseline-' + process.env.SUFFIX });
    await c.connect();
    await c.subscribe({ topic: process.env.TOPIC, fromBeginning: true });
    await c.run({ partitionsConsumedConcurrently: 3, eachMessage: async ({ message }) => { await post(JSON.parse(message.value.toString())); } });
  `;
  const before = calls.length;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT, env: { ...process.env, URL: stubUrl, TOPIC: topic, SUFFIX: suffix }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const sampler = sampleProcess(child.pid);
  await waitUntil(() => calls.length - before >= N, 300000, 'baseline sends');
  const proc = sampler.stop();
  child.kill('SIGKILL');
  const mine = calls.slice(before);
  return { rate: rate(mine), cpuSeconds: proc.cpuSeconds, rssPeakMb: proc.rssPeakMb, sends: mine.length };
}

// ---------- the dispatcher
async function runDispatcher(tag, { mps, limitsOff = false, count = N, openLoopRate = 0, openLoopSec = 0, twoNumbers = false }) {
  const suffix = newSuffix(tag);
  const pn = String(910000 + Math.floor(Math.random() * 80000));
  // A second number with the same backlog, sent at the same time (must not slow the first).
  const pn2 = twoNumbers ? String(Number(pn) + 1) : null;
  if (!limitsOff) stubMps.set(pn, mps);
  if (pn2) stubMps.set(pn2, mps);
  const schema = `dispatcher_${suffix.toLowerCase().replace(/[^a-z0-9]/g, '_')}`.slice(0, 60);
  const port = await freePort();
  const topicNumbers = `wa.number.changed.v1.${suffix}`;
  const topicRequested = `wa.outbound.requested.v1.${suffix}`;
  await ensureTopics([topicNumbers, topicRequested]);
  await produce(topicNumbers, [pn, pn2].filter(Boolean).map((n) => ({ key: n, value: numberEvent(n, Math.min(1000, mps)) })));
  const before = calls.length;
  const proc = await startNodeProcess({
    name: `dispatcher-${tag}`, entry: DISPATCHER_ENTRY, port,
    // BENCH_CPU_PROF_DIR=<dir>: a CPU profile of each dispatcher run (written when it stops)
    execArgv: process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [],
    env: {
      NODE_ENV: 'production', LOG_LEVEL: 'error', TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '3', DATABASE_URL, DATABASE_SCHEMA: schema,
      ENCRYPTION_KEYS: KEYS, KAFKA_GROUP_ID: `dispatcher-${suffix}`, RATE_LIMITS_ENABLED: limitsOff ? 'false' : 'true', OTEL_SDK_DISABLED: 'true',
    },
  });
  // Let the state consumer load the number's config first, then give it the backlog at once.
  await new Promise((r) => setTimeout(r, 8000));
  if (!openLoopRate) {
    await produce(topicRequested, Array.from({ length: count }, (_, i) => [pn, pn2].filter(Boolean).map((n) => ({ key: n, value: request(tag + n, n, i) }))).flat());
  }
  const sampler = sampleProcess(proc.pid);
  if (openLoopRate) {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const total = openLoopRate * openLoopSec;
    const t0 = Date.now();
    for (let i = 0; i < total; i += openLoopRate / 20) {
      const due = t0 + (i / openLoopRate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const msgs = Array.from({ length: openLoopRate / 20 }, (_, j) => ({ key: pn, value: JSON.stringify(request(tag, pn, i + j)) }));
      await producer.send({ topic: topicRequested, acks: -1, messages: msgs });
    }
    await producer.disconnect();
    count = total;
  }
  await waitUntil(() => [pn, pn2].filter(Boolean).every((n) => calls.slice(before).filter((c) => c.pn === n && !c.throttled).length >= count), 240000, `${tag} sends`);
  const usage = sampler.stop();
  await proc.stop();
  const mine = calls.slice(before).filter((c) => c.pn === pn);
  const ok = mine.filter((c) => !c.throttled);
  const lat = percentiles(ok.map((c) => c.at - (requestedAtById.get(c.id) ?? c.at)));
  return {
    rate: rate(ok), sends: ok.length, distinct: new Set(ok.map((c) => c.id)).size, throttled130429: mine.length - ok.length,
    cpuSeconds: usage.cpuSeconds, rssPeakMb: usage.rssPeakMb, latencyMs: lat,
    ...(pn2 ? (() => {
      const other = calls.slice(before).filter((c) => c.pn === pn2);
      const otherOk = other.filter((c) => !c.throttled);
      return { secondNumber: { rate: round(rate(otherOk)), sends: otherOk.length, throttled130429: other.length - otherOk.length } };
    })() : {}),
  };
}

// ---------- the real sandbox as Meta: its throughput rule (one-second bucket at the number's
// mps) answers 130429 like Meta; its call log is the ground truth. Status webhooks go to a sink.
async function runSandbox(tag, { mps, count }) {
  const suffix = newSuffix(tag);
  const pn = String(960000 + Math.floor(Math.random() * 30000));
  const token = 'bench-sandbox-token';
  const sinkPort = await freePort();
  const sink = await startNodeProcess({ name: 'webhook-sink', entry: join(ROOT, 'bench/lib/null-server.mjs'), port: sinkPort });
  const sbxPort = await freePort();
  const sandbox = await startNodeProcess({
    name: 'sandbox', entry: join(ROOT, 'apps/sandbox/dist/main.js'), port: sbxPort,
    env: { NODE_ENV: 'production', LOG_LEVEL: 'error', CALLS_LOG_MAX: String(count * 3), OTEL_SDK_DISABLED: 'true' },
  });
  const sbxUrl = `http://127.0.0.1:${sbxPort}`;
  const reg = await fetch(`${sbxUrl}/_sandbox/numbers`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      phoneNumberId: pn, displayPhoneNumber: '+15550002', wabaId: `waba-${pn}`, accessToken: token, appSecret: 'bench-sandbox-secret',
      callbackUrl: `http://127.0.0.1:${sinkPort}/webhooks`, mps, tier: 'unlimited',
    }),
  });
  if (reg.status !== 201) throw new Error(`sandbox number registration: ${reg.status} ${await reg.text()}`);
  const schema = `dispatcher_${suffix.toLowerCase().replace(/[^a-z0-9]/g, '_')}`.slice(0, 60);
  const topicNumbers = `wa.number.changed.v1.${suffix}`;
  const topicRequested = `wa.outbound.requested.v1.${suffix}`;
  await ensureTopics([topicNumbers, topicRequested]);
  await produce(topicNumbers, [{ key: pn, value: numberEvent(pn, mps, { url: sbxUrl, token }) }]);
  const port = await freePort();
  const proc = await startNodeProcess({
    name: `dispatcher-${tag}`, entry: DISPATCHER_ENTRY, port,
    env: {
      NODE_ENV: 'production', LOG_LEVEL: 'error', TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '3', DATABASE_URL, DATABASE_SCHEMA: schema,
      ENCRYPTION_KEYS: KEYS, KAFKA_GROUP_ID: `dispatcher-${suffix}`, OTEL_SDK_DISABLED: 'true',
    },
  });
  try {
    await new Promise((r) => setTimeout(r, 8000));
    await produce(topicRequested, Array.from({ length: count }, (_, i) => ({ key: pn, value: request(tag, pn, i) })));
    const sampler = sampleProcess(proc.pid);
    let log = [];
    const deadline = Date.now() + 240000;
    for (;;) {
      log = (await (await fetch(`${sbxUrl}/_sandbox/calls?phoneNumberId=${pn}`)).json()).calls;
      if (log.filter((c) => c.httpStatus === 200).length >= count) break;
      if (Date.now() > deadline) throw new Error(`${tag}: only ${log.length} sandbox calls`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const usage = sampler.stop();
    const ok = log.filter((c) => c.httpStatus === 200).map((c) => ({ at: Date.parse(c.at), id: c.body?.biz_opaque_callback_data }));
    return {
      rate: rate(ok), sends: ok.length, distinct: new Set(ok.map((c) => c.id)).size,
      throttled130429: log.filter((c) => c.response?.error?.code === 130429).length,
      otherErrors: log.filter((c) => c.httpStatus !== 200 && c.response?.error?.code !== 130429).length,
      cpuSeconds: usage.cpuSeconds, rssPeakMb: usage.rssPeakMb,
    };
  } finally {
    await proc.stop();
    await sandbox.stop();
    await sink.stop();
  }
}

const results = {};
// DISPATCHER_BENCH_PHASES=m200,two (comma list) runs only those phases (for investigating one number).
const only = process.env.DISPATCHER_BENCH_PHASES ? new Set(process.env.DISPATCHER_BENCH_PHASES.split(',')) : null;
const want = (p) => !only || only.has(p);
try {
  if (want('baseline')) results.baseline = await runBaseline();
  if (want('off')) results.limitsOff = await runDispatcher('off', { mps: 1000, limitsOff: true });
  if (want('k1')) results.mps1000 = await runDispatcher('k1', { mps: 1000 });
  if (want('m200')) results.mps200 = await runDispatcher('m200', { mps: 200, count: 5000 });
  if (want('two')) results.two200 = await runDispatcher('two', { mps: 200, count: 5000, twoNumbers: true });
  if (want('sandbox')) results.sandbox200 = await runSandbox('sbx', { mps: 200, count: 5000 });
  if (want('lat')) results.latency1000 = await runDispatcher('lat', { mps: 1000, openLoopRate: LAT_RATE, openLoopSec: 10 });
} finally {
  stub.close();
  for (const s of suffixes) await deleteBenchTopics(kafka, s, [], []).catch(() => undefined);
}

if (only) {
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}
const b = results.baseline;
writeResult({
  bench: 'dispatcher',
  startedAt,
  finishedAt: new Date().toISOString(),
  machine: machineInfo(),
  config: { N, DATABASE_URL: DATABASE_URL.replace(/\/\/[^@]*@/, '//'), graph: 'in-bench stub with per-number 1 s bucket' },
  summary: [
    row('max sustained sends/s, limits off', 'msg/s', results.limitsOff.rate, b.rate, { better: 'higher' }),
    row('sends/s at 1,000 mps configured', 'msg/s', results.mps1000.rate, b.rate, { better: 'higher', target: '≤ 1000' }),
    row('5,000 sends at 200 mps configured', 'msg/s', results.mps200.rate, undefined, { better: 'higher', target: '≥ 190' }),
    row('130429 seen at 200 mps', 'count', results.mps200.throttled130429, undefined, { better: 'lower', target: '0' }),
    row('5,000 sends at 200 mps, the real sandbox as Meta', 'msg/s', results.sandbox200.rate, undefined, { better: 'higher', target: '≥ 190' }),
    row('130429 from the sandbox at 200 mps', 'count', results.sandbox200.throttled130429, undefined, { better: 'lower', target: '0' }),
    row('two numbers at once, 5,000 each at 200 mps: slower one', 'msg/s', Math.min(results.two200.rate, results.two200.secondNumber.rate), results.mps200.rate, { better: 'higher', target: '≥ 190 (ratio ≈ 1)' }),
    row('130429 seen, two numbers at once', 'count', results.two200.throttled130429 + results.two200.secondNumber.throttled130429, undefined, { better: 'lower', target: '0' }),
    row('p99 request→Graph at 700 msg/s (1,000 mps number)', 'ms', results.latency1000.latencyMs?.p99, undefined, { better: 'lower' }),
    row('CPU per 1,000 sends, limits off', 'cpu-s', (results.limitsOff.cpuSeconds / N) * 1000, (b.cpuSeconds / N) * 1000, { better: 'lower' }),
    row('peak RSS, limits off', 'MB', results.limitsOff.rssPeakMb, b.rssPeakMb, { better: 'lower' }),
  ],
  details: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { ...v, rate: round(v.rate) }])),
});
process.exit(0);
