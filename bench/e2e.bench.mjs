// `npm run bench -- e2e` (issue 16): one send's whole way in one run — gateway (POST
// /v1/messages → 202) → Kafka → dispatcher → the sandbox as Meta's Graph API — and back: the
// sandbox's status webhooks → ingress → normalizer → dispatcher → gateway history.
//
// The built sandbox, ingress, gateway and dispatcher run as child processes on a random topic
// suffix, their own schemas in wabridge_bench and their own consumer groups. The sandbox sends
// its webhooks through a recording pass-through (bench/lib/webhook-tap.mjs) to ingress, so the
// bench knows when each `sent`/`delivered` webhook left the sandbox. One tenant and API key
// (admin API), one Meta app, one number per partition of wa.outbound.requested.v1 (so every
// dispatcher instance owns some), each at 1,000 mps and tier unlimited in the gateway and the
// sandbox; every send is a `hello_world` template (approved in every sandbox WABA; business-
// initiated, so no window is needed) to a recipient of its own (no pair limit).
//
// Per configuration (BENCH_E2E_INSTANCES, default "1,2": 1 gateway + 1 dispatcher, then a second
// gateway and dispatcher are started beside them, same consumer groups, requests round robin):
//   warm-up  open loop 100/s for 3 s, drained
//   max      closed loop, BENCH_CONNECTIONS (64) for BENCH_E2E_MAX_SEC (10 s; 0 skips)
//   open     open loop at BENCH_E2E_RATE (500/s) for BENCH_E2E_DURATION_SEC (30 s)
// After each load phase it waits (≤ BENCH_E2E_DRAIN_SEC) until the sandbox has answered 200 as
// many times as the gateway answered 202, then reconciles the sandbox's call log with the 202
// ids: every 202 id must reach the sandbox exactly once (lost and duplicated are reported and
// make the bench exit 1). Latencies: 202 received → the sandbox's log entry of the Graph call
// (same machine clock); for a sample (every BENCH_E2E_SAMPLE_EVERY-th 202), the gateway's
// projection (its messages table, polled every BENCH_E2E_POLL_MS) showing `sent` / `delivered`
// against the sandbox's webhook for it.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { deleteBenchTopics } from './lib/kafka.mjs';
import { percentiles } from './lib/load.mjs';
import { freePort, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { intEnv, round, row, writeResult } from './lib/result.mjs';
import { prepareServiceBench, sleep } from './lib/service-bench.mjs';
import { epochNow, trackedClosedLoop, trackedOpenLoop } from './lib/tracked-load.mjs';
import { startWebhookTap } from './lib/webhook-tap.mjs';

const { Partitioners } = kafkajs;

/** A non-negative integer setting (0 allowed, e.g. to skip the max phase). */
function countEnv(name, def) {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`);
  return v;
}

const config = {
  rate: intEnv('BENCH_E2E_RATE', 500),
  durationSec: intEnv('BENCH_E2E_DURATION_SEC', 30),
  maxSec: countEnv('BENCH_E2E_MAX_SEC', 10),
  connections: intEnv('BENCH_CONNECTIONS', 64),
  instances: (process.env.BENCH_E2E_INSTANCES ?? '1,2').split(',').map(Number),
  partitions: intEnv('BENCH_E2E_PARTITIONS', 6),
  sampleEvery: intEnv('BENCH_E2E_SAMPLE_EVERY', 10),
  pollMs: intEnv('BENCH_E2E_POLL_MS', 25),
  drainSec: intEnv('BENCH_E2E_DRAIN_SEC', 120),
  // Drains are cut short so the whole run stays within this (a loaded machine falls behind).
  budgetSec: intEnv('BENCH_E2E_BUDGET_SEC', 280),
  // Postgres allows 100 connections and other work shares it: 2 × (16 + 12) + ingress' 10 fit.
  gatewayDbPool: intEnv('BENCH_E2E_GATEWAY_DB_POOL', 16),
  dispatcherDbPool: intEnv('BENCH_E2E_DISPATCHER_DB_POOL', 12),
  telemetry: process.env.BENCH_E2E_OTEL !== 'off',
  warmupRate: 100,
  warmupSec: 3,
};
if (config.instances.some((n, i) => !Number.isInteger(n) || n < 1 || (i > 0 && n <= config.instances[i - 1]))) {
  throw new Error('BENCH_E2E_INSTANCES must be increasing positive integers, e.g. "1,2"');
}

const ctx = await prepareServiceBench({ name: 'e2e', app: 'gateway', alsoBuild: ['dispatcher', 'ingress', 'sandbox'] });
const { log, suffix, kafka, databaseUrl } = ctx;
const schemas = { gateway: `gateway_${suffix}`, dispatcher: `dispatcher_${suffix}`, ingress: `ingress_${suffix}` };
const groups = { gateway: `gateway-${suffix}`, dispatcher: `dispatcher-${suffix}`, normalizer: `ingress-normalizer-${suffix}` };
const app = { appId: `bench-app-${suffix}`, appSecret: randomBytes(16).toString('hex'), verifyToken: 'bench-verify' };
const adminToken = randomBytes(24).toString('hex');
const wabaId = `2${Date.now()}`.slice(0, 15);
const graphToken = randomBytes(12).toString('hex');
const runTag = randomBytes(3).toString('hex');
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const common = {
  NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn',
  KAFKA_BROKERS: brokers, KAFKA_PARTITIONS: String(config.partitions), TOPIC_SUFFIX: suffix, DATABASE_URL: databaseUrl,
  ADMIN_TOKEN: adminToken, INTERNAL_TOKEN: randomBytes(24).toString('hex'), ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
  META_APP_ID: app.appId, META_APP_SECRET: app.appSecret, META_VERIFY_TOKEN: app.verifyToken,
  ...(config.telemetry ? {} : { OTEL_SDK_DISABLED: 'true' }),
};

const procs = { sandbox: null, ingress: null, gateways: [], dispatchers: [] };
let tap = null;
let poller = null;
let failure = null;
const phases = [];

// ---------- what the sandbox's webhooks said, per message id (first arrival of each status)
const webhookAt = new Map();
function onWebhookStatus({ id, status, at }) {
  if (!id) return;
  let w = webhookAt.get(id);
  if (!w) webhookAt.set(id, (w = {}));
  if (w[status] === undefined) w[status] = at;
}

// ---------- the gateway's history for sampled ids: when `sent` / `delivered` first showed
class HistoryPoller {
  constructor(client, intervalMs) {
    this.client = client;
    this.intervalMs = intervalMs;
    this.pending = new Set();
    this.seen = new Map();
    this.queries = 0;
    this.running = true;
    this.loop = this.run();
  }

  add(id) {
    this.pending.add(id);
  }

  async run() {
    while (this.running) {
      if (this.pending.size > 0) {
        const ids = [...this.pending];
        const t0 = epochNow();
        const { rows } = await this.client.query(`SELECT id, history FROM "${schemas.gateway}".messages WHERE id = ANY($1::text[])`, [ids]);
        const at = (t0 + epochNow()) / 2; // the snapshot was taken while the query ran
        this.queries += 1;
        for (const r of rows) {
          const statuses = new Set((r.history ?? []).map((h) => h.status));
          let s = this.seen.get(r.id);
          if (!s) this.seen.set(r.id, (s = {}));
          if (s.sent === undefined && ['sent', 'delivered', 'read'].some((x) => statuses.has(x))) s.sent = at;
          if (s.delivered === undefined && ['delivered', 'read'].some((x) => statuses.has(x))) s.delivered = at;
          if (s.delivered !== undefined || statuses.has('failed') || statuses.has('rejected')) this.pending.delete(r.id);
        }
      }
      // A projection far behind leaves many ids pending: poll them less often then (resolution ≪ lag anyway).
      await sleep(Math.max(this.intervalMs, this.pending.size / 10));
    }
  }

  async stop() {
    this.running = false;
    await this.loop;
  }
}

// ---------- helpers
async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  return { status: res.status, json };
}

async function mustCall(what, method, url, body, headers, want = [200, 201]) {
  const r = await call(method, url, body, headers);
  if (!want.includes(r.status)) throw new Error(`${what}: ${method} ${url} answered ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Prometheus text → { 'name{labels}': value } for the metrics whose name starts with one of `prefixes`. */
async function scrape(url, prefixes) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !prefixes.some((p) => line.startsWith(p))) continue;
    const i = line.lastIndexOf(' ');
    // the `service` label every metric carries says nothing here
    out[line.slice(0, i).replace(/,?service="[^"]*"/, '').replace('{}', '')] = Number(line.slice(i + 1));
  }
  return out;
}

async function sandbox200() {
  const m = await scrape(procs.sandbox.url, ['sandbox_graph_messages_total']);
  return m['sandbox_graph_messages_total{code="200"}'] ?? 0;
}

// What the dispatchers say about where a send's time went (deltas over a phase, all instances).
const DISPATCHER_METRICS = ['dispatcher_queue_delay_seconds_sum', 'dispatcher_queue_delay_seconds_count', 'dispatcher_send_gate_wait_seconds_sum',
  'dispatcher_graph_latency_seconds_sum', 'dispatcher_graph_latency_seconds_count', 'dispatcher_retries_scheduled_total', 'dispatcher_rejected_total',
  'dispatcher_duplicates_skipped_total', 'dispatcher_status_transitions_total'];
async function dispatcherMetrics() {
  const sum = {};
  for (const d of procs.dispatchers) {
    const m = await scrape(d.url, DISPATCHER_METRICS).catch(() => ({}));
    for (const [k, v] of Object.entries(m)) sum[k] = (sum[k] ?? 0) + v;
  }
  return sum;
}
function metricDelta(after, before) {
  const d = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, round(v - (before[k] ?? 0), 3)]).filter(([, v]) => v !== 0));
  const mean = (name) => (d[`${name}_count`] ? round((d[`${name}_sum`] / d[`${name}_count`]) * 1000, 1) : null);
  return { meanQueueDelayMs: mean('dispatcher_queue_delay_seconds'), meanGraphLatencyMs: mean('dispatcher_graph_latency_seconds'), counters: d };
}

/** One phone number id per partition of wa.outbound.requested.v1 (keyed by phone number id, kafkajs' default partitioner). */
function numbersPerPartition(partitions) {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0 }));
  const found = new Map();
  const base = 106000000000000 + Math.floor(Math.random() * 1e9) * 100;
  for (let i = 0; found.size < partitions && i < 100000; i++) {
    const id = String(base + i);
    const p = partitioner({ topic: 'x', partitionMetadata, message: { key: id } });
    if (!found.has(p)) found.set(p, id);
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
}

async function topicPartitions(topic) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0]?.partitions.length ?? null;
  } catch {
    return null;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every consumer group of this run is Stable and the named ones have `members`
 * members. When they do not within `timeoutMs`, says which of the services still run and what
 * they logged (a process that died after it was ready leaves its groups with fewer members).
 */
async function waitForGroups(names, members, timeoutMs = 60000) {
  const admin = kafka.admin();
  await admin.connect();
  const started = Date.now();
  let last;
  try {
    for (;;) {
      const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(suffix));
      const { groups: described } = await admin.describeGroups(ids);
      const bad = described.filter((g) => g.state !== 'Stable' || (names.includes(g.groupId) && g.members.length < members));
      last = described.map((g) => `${g.groupId}:${g.state}/${g.members.length}`).join(', ');
      if (bad.length === 0 && names.every((n) => ids.includes(n))) return { text: last, stable: true, ms: Date.now() - started };
      if (Date.now() - started > timeoutMs) {
        log(`groups not all stable after ${timeoutMs} ms: ${last}`);
        for (const p of [...procs.gateways, ...procs.dispatchers]) {
          const exited = p.exited();
          log(`--- ${p.name} (pid ${p.pid}) ${exited === null ? 'running' : `exited (${exited})`}; output (tail):\n${p.output().slice(-2000)}`);
        }
        return { text: last, stable: false, ms: Date.now() - started };
      }
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}

/** BENCH_CPU_PROF_DIR=<dir>: every child runs with --cpu-prof; `<name>-*.cpuprofile` is written when it stops. */
function profArgs(name) {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${process.pid}.cpuprofile`] : [];
}

async function startGateway(i) {
  return startNodeProcess({
    name: `gateway-${i}`, execArgv: profArgs(`gateway-${i}`), entry: ctx.entry, port: await freePort(), managementPort: await freePort(), timeoutMs: 120000,
    env: {
      ...common, DATABASE_SCHEMA: schemas.gateway, CONSUMER_GROUP: groups.gateway, DB_POOL_SIZE: String(config.gatewayDbPool),
      RATE_LIMIT_PER_MINUTE: '100000000', DEFAULT_GRAPH_BASE_URL: procs.sandbox.url,
    },
  });
}

async function startDispatcher(i) {
  return startNodeProcess({
    name: `dispatcher-${i}`, execArgv: profArgs(`dispatcher-${i}`), entry: process.env.BENCH_E2E_DISPATCHER_ENTRY ?? ctx.entries.dispatcher, port: await freePort(), timeoutMs: 120000,
    env: { ...common, DATABASE_SCHEMA: schemas.dispatcher, KAFKA_GROUP_ID: groups.dispatcher, DB_POOL_SIZE: String(config.dispatcherDbPool) },
  });
}

// ---------- sends
let apiKey = '';
let numbers = [];
let seq = 0;
function makeRequest() {
  const i = seq++;
  const body = {
    phoneNumberId: numbers[i % numbers.length],
    to: `+49151${String(10000000 + i)}`, // a recipient of its own: no pair limit
    type: 'template',
    template: { name: 'hello_world', language: { code: 'en_US' } },
  };
  return {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'idempotency-key': `${runTag}-${i}` },
  };
}

/** Every process of the stack with its CPU sampler. */
function sampleAll() {
  const all = [procs.sandbox, procs.ingress, ...procs.gateways, ...procs.dispatchers];
  const t0 = epochNow();
  const samplers = all.map((p) => [p.name, sampleProcess(p.pid, 500)]);
  return () => {
    const sec = (epochNow() - t0) / 1000;
    return Object.fromEntries(samplers.map(([name, s]) => {
      const r = s.stop();
      return [name, { cpuSeconds: round(r.cpuSeconds, 2), cores: round(r.cpuSeconds / sec, 2), rssPeakMb: round(r.rssPeakMb, 0) }];
    }));
  };
}

const q = (values) => {
  const p = percentiles(values);
  return { n: values.length, p50: round(p.p50, 1), p90: round(p.p90, 1), p99: round(p.p99, 1), max: round(p.max, 1), mean: round(p.mean, 1) };
};

// ---------- the ledger: every 202 id, and what the sandbox's call log says of it
const ledger = new Map(); // id → { phase, scheduledAt, answeredAt, calls, graphAt }
const logRead = new Map(); // phone number id → entries of its call log already read
let foreignCalls = 0;
const benchStart = Date.now();

/** Reads what is new in the sandbox's call log (never cleared: CALLS_LOG_MAX holds a whole run). */
async function readCallLog() {
  for (const n of numbers) {
    const { calls } = await mustCall('call log', 'GET', `${procs.sandbox.url}/_sandbox/calls?phoneNumberId=${n}`);
    const from = logRead.get(n) ?? 0;
    if (calls.length < from) throw new Error(`the sandbox's call log of ${n} shrank (${from} → ${calls.length}): raise CALLS_LOG_MAX`);
    for (const c of calls.slice(from)) {
      const e = ledger.get(c.body?.biz_opaque_callback_data);
      if (!e) {
        foreignCalls += 1;
        continue;
      }
      if (c.httpStatus === 200) {
        e.calls += 1;
        if (e.graphAt === undefined) e.graphAt = Date.parse(c.at);
      } else {
        const code = String(c.response?.error?.code ?? c.httpStatus);
        e.phase.refused[code] = (e.phase.refused[code] ?? 0) + 1;
      }
    }
    logRead.set(n, calls.length);
  }
}

/**
 * Waits until the sandbox has answered 200 at least as often as the gateway answered 202 in
 * the whole run (the call log then tells lost from duplicated), or nothing moved for 20 s
 * (`stalled`), or the cap: BENCH_E2E_DRAIN_SEC, and never past the run's budget.
 */
async function drain({ final = false } = {}) {
  const t0 = Date.now();
  // The final drain may use what is left of 9 minutes (the runner kills a bench after 10).
  const capMs = final
    ? Math.max(10000, benchStart + 540000 - t0)
    : Math.max(10000, Math.min(config.drainSec * 1000, benchStart + config.budgetSec * 1000 - t0));
  let last = -1;
  let lastChange = t0;
  for (;;) {
    const n = await sandbox200();
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (n >= ledger.size) return { ended: 'complete', ms: Date.now() - t0 };
    if (Date.now() - lastChange > 20000) return { ended: 'stalled', ms: Date.now() - t0 };
    if (Date.now() - t0 > capMs) return { ended: 'cap', ms: Date.now() - t0 };
    await sleep(100);
  }
}

/** One load phase: the load, the drain, the sandbox's call log read against the phase's 202 ids. */
async function runPhase(label, kind) {
  const phase = { label, kind, ids: [], refused: {} };
  const targets = procs.gateways.map((g) => ({ url: g.url }));
  const backlogAtStart = Math.max(0, ledger.size - (await sandbox200()));
  const dispatcherBefore = await dispatcherMetrics();
  const onResponse = ({ target, status, body, scheduledAt, answeredAt }) => {
    if (status !== 202) return;
    let id;
    try { id = JSON.parse(body.toString('utf8')).id; } catch { return; }
    ledger.set(id, { phase, scheduledAt, answeredAt, target, calls: 0, graphAt: undefined });
    if (kind !== 'warmup' && phase.ids.length % config.sampleEvery === 0) poller.add(id);
    phase.ids.push(id);
  };
  const stopSampling = sampleAll();
  const t0 = epochNow();
  const load = kind === 'max'
    ? await trackedClosedLoop({ targets, path: '/v1/messages', connections: config.connections, durationSec: config.maxSec, makeRequest, onResponse })
    : await trackedOpenLoop({
      targets, path: '/v1/messages', rate: kind === 'warmup' ? config.warmupRate : config.rate, durationSec: kind === 'warmup' ? config.warmupSec : config.durationSec,
      // every answer is waited for (its 202 id is what the ledger follows), within the budget
      makeRequest, onResponse, drainTimeoutMs: Math.max(30000, Math.min(config.drainSec * 1000, benchStart + config.budgetSec * 1000 - Date.now())),
    });
  const drained = await drain();
  const processes = stopSampling();
  const dispatchers = metricDelta(await dispatcherMetrics(), dispatcherBefore);
  // Sampled history: wait a little more for the webhook path (bounded).
  if (kind !== 'warmup') {
    const until = Date.now() + 15000;
    while (phase.ids.some((id) => poller.pending.has(id)) && Date.now() < until) await sleep(100);
  }
  await readCallLog();

  let unsent = 0;
  let duplicates = 0;
  const acceptedToGraph = [];
  const scheduledToGraph = [];
  const graphTimes = [];
  for (const id of phase.ids) {
    const e = ledger.get(id);
    if (e.graphAt === undefined) {
      unsent += 1;
      continue;
    }
    duplicates += e.calls - 1;
    acceptedToGraph.push(e.graphAt - e.answeredAt);
    scheduledToGraph.push(e.graphAt - e.scheduledAt);
    graphTimes.push(e.graphAt);
  }
  graphTimes.sort((a, b) => a - b);
  const graphRate = graphTimes.length > 1 ? ((graphTimes.length - 1) * 1000) / (graphTimes.at(-1) - graphTimes[0]) : null;
  // End to end: what the phase got accepted, from its first request to its last Graph call.
  const e2eRate = graphTimes.length > 0 ? (graphTimes.length * 1000) / (graphTimes.at(-1) - t0) : null;

  // Webhook → history, for the sampled ids.
  const sentWebhookToHistory = [];
  const deliveredWebhookToHistory = [];
  const graphToHistorySent = [];
  let sampled = 0;
  let sampledWithoutSent = 0;
  let sampledWithoutDelivered = 0;
  if (kind !== 'warmup') {
    for (const id of phase.ids) {
      const seen = poller.seen.get(id);
      if (!seen && !poller.pending.has(id)) continue;
      sampled += 1;
      poller.pending.delete(id);
      const w = webhookAt.get(id) ?? {};
      const graphAt = ledger.get(id).graphAt;
      if (seen?.sent === undefined) sampledWithoutSent += 1;
      else {
        if (w.sent !== undefined) sentWebhookToHistory.push(seen.sent - w.sent);
        if (graphAt !== undefined) graphToHistorySent.push(seen.sent - graphAt);
      }
      if (seen?.delivered === undefined) sampledWithoutDelivered += 1;
      else if (w.delivered !== undefined) deliveredWebhookToHistory.push(seen.delivered - w.delivered);
    }
  }

  const result = {
    label, kind, instances: procs.gateways.length,
    load: { ...load, startedAt: undefined },
    accepted: phase.ids.length,
    backlogAtStart,
    drain: drained,
    unsentAtDrainEnd: unsent, duplicates, refusedCalls: phase.refused,
    acceptedToGraphMs: q(acceptedToGraph),
    scheduledToGraphMs: q(scheduledToGraph),
    graphCallsPerSec: round(graphRate, 1),
    endToEndPerSec: round(e2eRate, 1),
    history: kind === 'warmup' ? undefined : {
      sampled, sampledWithoutSent, sampledWithoutDelivered, pollMs: config.pollMs,
      sentWebhookToHistorySentMs: q(sentWebhookToHistory),
      deliveredWebhookToHistoryDeliveredMs: q(deliveredWebhookToHistory),
      graphCallToHistorySentMs: q(graphToHistorySent),
    },
    processes,
    dispatchers,
    loadAvgAfter: loadavg().map((n) => round(n, 2)),
  };
  phase.result = result;
  log(`${label}: ${load.ok}/${load.requests} answered 202 (${load.rps}/s; ${JSON.stringify(load.statusCodes)}, errors ${load.errors}, unanswered ${load.unanswered}); ` +
    `202→Graph p50 ${result.acceptedToGraphMs.p50} p99 ${result.acceptedToGraphMs.p99} ms; Graph ${result.graphCallsPerSec}/s, end to end ${result.endToEndPerSec}/s; ` +
    `drain ${drained.ended} after ${drained.ms} ms, unsent then ${unsent}, duplicates ${duplicates}, refused ${JSON.stringify(phase.refused)}; ` +
    `dispatcher mean queue delay ${dispatchers.meanQueueDelayMs} ms, Graph ${dispatchers.meanGraphLatencyMs} ms` +
    (result.history ? `; sent webhook→history p99 ${result.history.sentWebhookToHistorySentMs.p99} ms, delivered webhook→history p99 ${result.history.deliveredWebhookToHistoryDeliveredMs.p99} ms (${sampled} sampled)` : '') +
    `; load ${result.loadAvgAfter.join(' ')}`);
  phases.push(phase);
  return phase;
}

// ---------- the run
const byInstances = {};
let apiChecks = null;
let finalDrain = null;
let unsentInDispatcher = null;
const liveInDispatcher = new Set();
try {
  const [sandboxPort, ingressPort] = [await freePort(), await freePort()];
  tap = await startWebhookTap({ target: `http://127.0.0.1:${ingressPort}`, onStatus: onWebhookStatus });
  [procs.sandbox, procs.ingress] = await Promise.all([
    startNodeProcess({
      name: 'sandbox', execArgv: profArgs('sandbox'), entry: ctx.entries.sandbox, port: sandboxPort,
      // The sandbox stands in for Meta: not under test, so no tracing there.
      env: { NODE_ENV: 'production', LOG_LEVEL: 'error', HOST: '127.0.0.1', OTEL_SDK_DISABLED: 'true', CALLS_LOG_MAX: '500000', OUTBOX_MAX_PENDING: '200000' },
    }),
    startNodeProcess({
      name: 'ingress', execArgv: profArgs('ingress'), entry: ctx.entries.ingress, port: ingressPort, managementPort: await freePort(), timeoutMs: 120000,
      env: { ...common, DATABASE_SCHEMA: schemas.ingress, NORMALIZER_GROUP_ID: groups.normalizer },
    }),
  ]);
  const first = config.instances[0];
  const started = await Promise.all([
    ...Array.from({ length: first }, (_, i) => startGateway(i + 1)),
    ...Array.from({ length: first }, (_, i) => startDispatcher(i + 1)),
  ]);
  procs.gateways = started.slice(0, first);
  procs.dispatchers = started.slice(first);
  log(`stack up: sandbox, ingress, ${first} gateway(s), ${first} dispatcher(s)`);

  const requestedTopic = `wa.outbound.requested.v1.${suffix}`;
  const partitions = (await topicPartitions(requestedTopic)) ?? config.partitions;
  numbers = numbersPerPartition(partitions);
  const gw = procs.gateways[0].url;
  const admin = { authorization: `Bearer ${adminToken}` };
  await mustCall('app', 'POST', `${gw}/admin/v1/apps`, app, admin, [201]);
  const tenant = await mustCall('tenant', 'POST', `${gw}/admin/v1/tenants`, { name: `bench-e2e-${suffix}` }, admin, [201]);
  apiKey = tenant.apiKey.key;
  for (const [i, phoneNumberId] of numbers.entries()) {
    const display = `1555010${String(i).padStart(4, '0')}`;
    await mustCall('sandbox number', 'POST', `${procs.sandbox.url}/_sandbox/numbers`, {
      phoneNumberId, displayPhoneNumber: display, wabaId, accessToken: graphToken, appSecret: app.appSecret,
      callbackUrl: `${tap.url}/webhooks/meta/${app.appId}`, mps: 1000, tier: 'unlimited',
    }, {}, [201]);
    await mustCall('gateway number', 'POST', `${gw}/admin/v1/tenants/${tenant.id}/phone-numbers`, {
      phoneNumberId, displayPhoneNumber: display, wabaId, appId: app.appId, accessToken: graphToken,
      graphBaseUrl: procs.sandbox.url, graphApiVersion: 'v23.0', mps: 1000, tier: 'unlimited',
    }, admin, [201]);
  }
  log(`tenant, app and ${numbers.length} numbers (one per partition of ${partitions}) registered`);
  const pollClient = new pg.Client({ connectionString: databaseUrl });
  await pollClient.connect();
  poller = new HistoryPoller(pollClient, config.pollMs);

  for (const n of config.instances) {
    const joinStarted = Date.now();
    while (procs.gateways.length < n) {
      const i = procs.gateways.length + 1;
      const [g, d] = await Promise.all([startGateway(i), startDispatcher(i)]);
      procs.gateways.push(g);
      procs.dispatchers.push(d);
    }
    const readyMs = Date.now() - joinStarted;
    const waited = await waitForGroups([groups.gateway, groups.dispatcher], n);
    const groupsState = waited.text;
    const uptimeAtStart = loadavg().map((x) => round(x, 2));
    log(`${n} gateway(s) + ${n} dispatcher(s): groups ${groupsState} (${waited.stable ? 'stable' : 'NOT stable'}; ` +
      `new processes ready after ${readyMs} ms, groups after ${waited.ms} ms more); load ${uptimeAtStart.join(' ')}`);
    const warm = await runPhase(`${n}x warm-up`, 'warmup');
    // A first warm-up that does not get through, or any drain that stops moving: the stack is broken, not slow.
    if (warm.result.unsentAtDrainEnd > 0 && (n === config.instances[0] || warm.result.drain.ended === 'stalled')) {
      throw new Error(`warm-up: ${warm.result.unsentAtDrainEnd} of ${warm.result.accepted} accepted sends had not reached the sandbox when the drain ended (${warm.result.drain.ended} after ${warm.result.drain.ms} ms): the pipeline is broken`);
    }
    // max before open: the open loop is the long one, and on a loaded machine its backlog would
    // otherwise be the next phase's starting point — each configuration's max starts drained.
    const max = config.maxSec > 0 ? await runPhase(`${n}x max (closed ${config.connections})`, 'max') : null;
    const open = await runPhase(`${n}x open ${config.rate}/s`, 'open');
    // Still every instance in its groups after the load (a member that died or stalled > its session timeout is gone).
    const after = await waitForGroups([groups.gateway, groups.dispatcher], n, 10000);
    if (!after.stable) log(`${n}x: groups after the open loop: ${after.text}`);
    byInstances[n] = {
      loadAvgAtStart: uptimeAtStart, groups: groupsState, groupsStable: waited.stable, readyMs, groupsStableAfterMs: waited.ms,
      groupsAfterOpen: after.text, groupsStableAfterOpen: after.stable,
      open: open.result, max: max?.result ?? null,
    };
    if (!apiChecks) {
      // What a customer sees: GET /v1/messages/:id of a few accepted sends shows `sent` in the history.
      const ids = open.ids.filter((_, i) => i % Math.max(1, Math.floor(open.ids.length / 20)) === 0).slice(0, 20);
      let withSent = 0;
      for (const id of ids) {
        const r = await call('GET', `${gw}/v1/messages/${id}`, undefined, { authorization: `Bearer ${apiKey}` });
        if (r.status === 200 && r.json.history?.some((h) => ['sent', 'delivered', 'read'].includes(h.status))) withSent += 1;
      }
      apiChecks = { checked: ids.length, withSent };
    }
  }
  // Whatever was still on its way when a phase's drain ended: one last drain, then the log.
  finalDrain = await drain({ final: true });
  await readCallLog();
  log(`final drain ${finalDrain.ended} after ${finalDrain.ms} ms`);
  // What the dispatcher holds of sends the sandbox never saw: a live row (accepted, scheduled,
  // paused, attempting — e.g. a Graph call that timed out waits RECONCILE_TIMEOUT_MS, 2 min, for a
  // status webhook before it is resent) is late, not lost.
  const unsentIds = [...ledger].filter(([, e]) => e.calls === 0).map(([id]) => id);
  if (unsentIds.length > 0) {
    const { rows } = await pollClient.query(`SELECT id, status FROM "${schemas.dispatcher}".messages WHERE id = ANY($1::text[])`, [unsentIds]);
    unsentInDispatcher = { byStatus: {}, unknownToIt: unsentIds.length - rows.length };
    for (const r of rows) {
      unsentInDispatcher.byStatus[r.status] = (unsentInDispatcher.byStatus[r.status] ?? 0) + 1;
      if (['accepted', 'scheduled', 'paused', 'attempting'].includes(r.status)) liveInDispatcher.add(r.id);
    }
    log(`not sent by the end: ${unsentIds.length}; the dispatcher's rows: ${JSON.stringify(unsentInDispatcher)}`);
  }
  await poller.stop();
  await pollClient.end();
} catch (err) {
  failure = err;
} finally {
  if (poller?.running) await poller.stop().catch(() => undefined);
  const all = [...procs.gateways, ...procs.dispatchers, procs.ingress, procs.sandbox].filter(Boolean);
  if (failure) for (const p of all) log(`--- ${p.name} output (tail)\n${p.output().slice(-3000)}`);
  await Promise.all(all.map((p) => p.stop().catch(() => undefined)));
  await tap?.close().catch(() => undefined);
  const groupIds = await (async () => {
    const admin = kafka.admin();
    await admin.connect();
    try { return (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(suffix)); } finally { await admin.disconnect(); }
  })().catch(() => []);
  const deleted = await deleteBenchTopics(kafka, suffix, [], groupIds).catch(() => []);
  log(`deleted ${deleted.length} bench topics, ${groupIds.length} groups`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect()
    .then(async () => { for (const s of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`); })
    .catch((e) => log(`schema cleanup failed: ${e.message}`))
    .finally(() => client.end().catch(() => undefined));
}

if (failure) {
  process.stderr.write(`${failure.stack ?? failure}\n`);
  process.exit(1);
}

// ---------- result
const one = byInstances[config.instances[0]];
const more = config.instances.length > 1 ? byInstances[config.instances.at(-1)] : null;
const nOne = config.instances[0];
const nMore = config.instances.at(-1);
// Lost: answered 202 and never called Graph by the end of the run; duplicated: called more than once.
for (const p of phases) {
  p.result.unsentAtEnd = p.ids.filter((id) => ledger.get(id).calls === 0).length;
  p.result.lostAtEnd = p.ids.filter((id) => ledger.get(id).calls === 0 && !liveInDispatcher.has(id)).length;
  p.result.duplicatesAtEnd = p.ids.reduce((a, id) => a + Math.max(0, ledger.get(id).calls - 1), 0);
}
const unsentAll = phases.reduce((a, p) => a + p.result.unsentAtEnd, 0);
const dupAll = phases.reduce((a, p) => a + p.result.duplicatesAtEnd, 0);
// Still moving when the final drain hit its cap: late, not known to be lost (a send not yet
// consumed by the dispatcher has no row there either). Live in the dispatcher: late, not lost.
const lostKnown = finalDrain.ended !== 'cap';
const lostAll = lostKnown ? phases.reduce((a, p) => a + p.result.lostAtEnd, 0) : null;
const p99 = one.open.acceptedToGraphMs.p99;
const summary = [];
const add = (cfg, base, tag) => {
  const b = (f) => (base ? f(base) : undefined);
  summary.push(
    row(`${tag}: achieved 202/s (until the last 202), open loop at ${config.rate}/s for ${config.durationSec} s`, 'req/s', cfg.open.load.rps, b((x) => x.open.load.rps), { better: 'higher' }),
    row(`${tag}: p50 202 received → Graph call`, 'ms', cfg.open.acceptedToGraphMs.p50, b((x) => x.open.acceptedToGraphMs.p50), { better: 'lower' }),
    row(`${tag}: p99 202 received → Graph call`, 'ms', cfg.open.acceptedToGraphMs.p99, b((x) => x.open.acceptedToGraphMs.p99), { better: 'lower', target: tag === `${nOne}x` ? '< 100' : undefined }),
    row(`${tag}: p99 request due → 202 (gateway, queueing counts)`, 'ms', cfg.open.load.latencyMs.p99, b((x) => x.open.load.latencyMs.p99), { better: 'lower' }),
    row(`${tag}: Graph calls/s during the open loop`, 'msg/s', cfg.open.graphCallsPerSec, b((x) => x.open.graphCallsPerSec), { better: 'higher' }),
    row(`${tag}: p99 sandbox's sent webhook → history shows sent (sample)`, 'ms', cfg.open.history.sentWebhookToHistorySentMs.p99, b((x) => x.open.history.sentWebhookToHistorySentMs.p99), { better: 'lower', note: 'the dispatcher reports sent on Graph\'s 200, usually before the webhook' }),
    row(`${tag}: p99 sandbox's delivered webhook → history shows delivered (sample)`, 'ms', cfg.open.history.deliveredWebhookToHistoryDeliveredMs.p99, b((x) => x.open.history.deliveredWebhookToHistoryDeliveredMs.p99), { better: 'lower' }),
  );
  if (cfg.max) summary.push(row(`${tag}: end-to-end sends/s at max (closed loop, ${config.connections} conn, ${config.maxSec} s)`, 'msg/s', cfg.max.endToEndPerSec, b((x) => x.max?.endToEndPerSec), { better: 'higher' }));
};
add(one, null, `${nOne}x`);
if (more) add(more, one, `${nMore}x`);
summary.push(
  row('answered 202 but never sent to the sandbox by the end of the run, all phases', 'count', lostAll, undefined, {
    better: 'lower', target: '0',
    note: !lostKnown ? `not known: ${unsentAll} still queued when the final drain ran out of time`
      : liveInDispatcher.size > 0 ? `${liveInDispatcher.size} more not sent yet but live in the dispatcher (late, not lost)` : undefined,
  }),
  row('sent to the sandbox more than once, all phases', 'count', dupAll, undefined, { better: 'lower', target: '0' }),
);
writeResult({
  bench: 'e2e', startedAt: ctx.startedAt, finishedAt: new Date().toISOString(), machine: ctx.machine,
  config: { ...config, suffix, numbers, baselineColumn: `rows of ${nMore}x compare with ${nOne}x (baseline = ${nOne} instance(s))` },
  summary,
  targets: {
    p99AcceptedToGraph: { want: `< 100 ms at ${config.rate}/s`, got: p99, met: p99 !== null && p99 < 100 },
    lost: { want: '0', got: lostKnown ? lostAll : `${unsentAll} still queued at the end (not known)`, met: lostAll === 0 },
    duplicates: { want: '0', got: dupAll, met: dupAll === 0 },
  },
  details: { byInstances, phases: phases.map((p) => p.result), finalDrain, unsentInDispatcher, callsOfNo202: foreignCalls, apiChecks, webhookTap: tap?.stats, historyPollerQueries: poller?.queries },
});
const ratio = (a, b) => (a && b ? round(a / b, 2) : null);
process.stdout.write(
  `e2e: ${nOne}x at ${config.rate}/s: 202→Graph p50 ${one.open.acceptedToGraphMs.p50} / p99 ${p99} ms (target < 100), achieved ${one.open.load.rps}/s` +
  (one.max ? `, max end to end ${one.max.endToEndPerSec}/s` : '') +
  (more ? `; ${nMore}x: p99 ${more.open.acceptedToGraphMs.p99} ms, achieved ${more.open.load.rps}/s` + (more.max ? `, max ${more.max.endToEndPerSec}/s (ratio ${ratio(more.max.endToEndPerSec, one.max?.endToEndPerSec)})` : '') : '') +
  `; lost ${lostKnown ? lostAll : `not known (${unsentAll} still queued when the final drain ran out of time)`}` +
  `${lostKnown && liveInDispatcher.size > 0 ? ` (+${liveInDispatcher.size} late: live in the dispatcher)` : ''}, duplicates ${dupAll}; ` +
  `load avg ${ctx.machine.loadAvg.join(' ')} at start, ${loadavg().map((x) => round(x, 2)).join(' ')} at the end; ${round((Date.now() - benchStart) / 1000, 0)} s\n`,
);
if ((lostKnown && lostAll > 0) || dupAll > 0) process.exit(1);
process.exit(0);
