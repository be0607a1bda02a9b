// Notifier throughput and latency (`npm run bench -- notifier`, issue 12). Self-contained: a
// local webhook receiver in this process (node:http, answers 200 at once, records arrivals),
// the built notifier (`apps/notifier/dist/main.js`) as a child process with its own topic
// suffix, consumer group and schema in `wabridge_bench`, and in the same run a baseline: a bare
// kafkajs consumer (bench/lib/baseline-notifier.mjs, child process) doing one signed POST per
// event to the same receiver.
//
// Events: `wa.inbound.message.v1` text messages of one number, stamped with the tenant id (as
// ingress does), keyed `<number>:<contact>` over NOTIFIER_BENCH_CONVERSATIONS conversations;
// each message's Kafka timestamp is set when it is handed to the producer, and latency is
// measured from it to the receiver writing its 200.
//
// Phases (each server on its own topic of the same shape: same name, partitions, events):
//   warm-up        200 events through each (not measured)
//   max            N events produced at once (acks=all, 500 per request), each server in turn:
//                  deliveries/s = (n-1) / (last arrival - first arrival)
//   half           open loop at half of the notifier's max for NOTIFIER_BENCH_HALF_SEC, each
//                  server in turn at the same rate: p50/p99 Kafka timestamp → receiver's 200;
//                  each starts once its server used < 5 % of a core for 1 s (at most 15 s), so
//                  the notifier's is not measured while it finishes its max phase
// A produce probe (one acks=all message every 200 ms) runs during every measured phase.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startCommitProbe } from './lib/commit-probe.mjs';
import { benchKafka, createTopic, deleteBenchTopics, produceRoundTrips, startProduceProbe } from './lib/kafka.mjs';
import { percentiles } from './lib/load.mjs';
import { freePort, readRssMb, sampleProcess, startNodeProcess, waitUntilIdle } from './lib/process.mjs';
import { intEnv, machineInfo, round, row, writeResult, ROOT } from './lib/result.mjs';
import { startWebhookReceiver, verifyDelivery } from './lib/webhook-receiver.mjs';

const config = {
  events: intEnv('NOTIFIER_BENCH_N', 5000),
  partitions: intEnv('NOTIFIER_BENCH_PARTITIONS', 6),
  conversations: intEnv('NOTIFIER_BENCH_CONVERSATIONS', 500),
  halfSec: intEnv('NOTIFIER_BENCH_HALF_SEC', 15),
  warmup: 200,
  // as shipped: OpenTelemetry instrumentation on (no collector). NOTIFIER_BENCH_OTEL=off disables the SDK.
  otel: process.env.NOTIFIER_BENCH_OTEL === 'off' ? 'off' : 'on',
  cpuProf: process.env.NOTIFIER_BENCH_CPU_PROF ?? null,
  // more node flags for the notifier only (space-separated), e.g. '--trace-gc' with BENCH_PROCESS_LOG_DIR
  execArgv: (process.env.NOTIFIER_BENCH_EXEC_ARGV ?? '').split(' ').filter(Boolean),
  // A/B runs: another build of the notifier (e.g. a copy of an older dist/), default the built one
  entry: process.env.NOTIFIER_BENCH_ENTRY ?? join(ROOT, 'apps/notifier/dist/main.js'),
  notifierEnv: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('NOTIFIER_') && !k.startsWith('NOTIFIER_BENCH_'))),
};
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge_bench';
const TOPIC = 'wa.inbound.message.v1';
const TENANT = 'bench';
const PN = String(700000000 + Math.floor(Math.random() * 99999999));
const startedAt = new Date().toISOString();
const machineAtStart = machineInfo();
const log = (m) => console.log(`notifier-bench: ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const runTag = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const suffixes = { notifier: `benchntf${runTag}`, baseline: `benchntfb${runTag}` };
const schema = `notifier_bench_${runTag}`;
const notifierGroup = `notifier-${suffixes.notifier}`;
const baselineGroup = `baseline-notifier-${suffixes.baseline}`;
const probeTopic = `bench.probe.${suffixes.notifier}`;

const kafka = benchKafka('notifier-bench');
const producer = kafka.producer({ allowAutoTopicCreation: false });
const receiver = await startWebhookReceiver();
const servers = {};
const details = { phases: {} };

let seq = 0;
/** One inbound text message; `at` (epoch ms) is its occurredAt and Kafka timestamp. */
function inbound(tag, at) {
  const i = seq++;
  const waId = String(4915100000000 + (i % config.conversations));
  const wamid = `wamid.bench-${tag}-${runTag}-${i}`;
  const iso = new Date(at).toISOString();
  return {
    key: `${PN}:${waId}`,
    timestamp: String(at),
    value: JSON.stringify({
      wamid, type: 'text', phoneNumberId: PN, displayPhoneNumber: '15550001234', wabaId: `waba-${PN}`, appId: 'bench-app', tenantId: TENANT,
      waId, profileName: 'Bench', occurredAt: iso, receivedAt: iso,
      raw: { from: waId, id: wamid, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body: `hello from conversation ${waId}, message ${i}` } },
    }),
    wamid,
  };
}

const sentAt = new Map(); // wamid → Kafka timestamp

async function produceBurst(topic, tag, count) {
  for (let i = 0; i < count; i += 500) {
    const now = Date.now();
    const msgs = Array.from({ length: Math.min(500, count - i) }, () => inbound(tag, now));
    for (const m of msgs) sentAt.set(m.wamid, now);
    await producer.send({ topic, acks: -1, messages: msgs.map(({ key, value, timestamp }) => ({ key, value, timestamp })) });
  }
}

/** Open loop: every 10 ms, what is due by now is handed to the producer (not awaited; ≤ 64 requests outstanding). */
async function produceOpenLoop(topic, tag, rate, seconds) {
  const total = Math.round(rate * seconds);
  const start = Date.now();
  let sent = 0;
  let maxBehindMs = 0;
  let sendErrors = 0;
  const outstanding = new Set();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) * rate) / 1000) + 1);
    if (due > sent && outstanding.size < 64) {
      const now = Date.now();
      maxBehindMs = Math.max(maxBehindMs, now - (start + (sent * 1000) / rate));
      const msgs = Array.from({ length: due - sent }, () => inbound(tag, now));
      for (const m of msgs) sentAt.set(m.wamid, now);
      sent = due;
      const p = producer.send({ topic, acks: -1, messages: msgs.map(({ key, value, timestamp }) => ({ key, value, timestamp })) })
        .catch(() => { sendErrors += msgs.length; })
        .finally(() => outstanding.delete(p));
      outstanding.add(p);
    }
    await sleep(10);
  }
  await Promise.all(outstanding);
  return { offered: rate, events: total, produceSec: round((Date.now() - start) / 1000), producerMaxBehindMs: maxBehindMs, sendErrors };
}

/** The shared broker sometimes answers UNKNOWN_TOPIC_OR_PARTITION right after a topic is created: try again. */
async function withRetry(what, fn, attempts = 5) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      log(`${what} failed (${err.message}); again in 1 s`);
      await sleep(1000);
    }
  }
}

async function waitForDeliveries(count, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const distinct = new Set(receiver.received.map((d) => d.id)).size;
    if (distinct >= count) return true;
    if (Date.now() > deadline) {
      log(`timed out waiting for ${what}: ${distinct}/${count} distinct deliveries`);
      return false;
    }
    await sleep(50);
  }
}

/** Rates, latencies and signature checks of one phase's recorded deliveries. */
function analyse(deliveries, expected, secret) {
  const byId = new Map();
  for (const d of deliveries) if (!byId.has(d.id)) byId.set(d.id, d);
  const firsts = [...byId.values()].sort((a, b) => a.at - b.at);
  const latencies = [];
  let unknown = 0;
  // where the tail sits in time: per second of send time (from the phase's first send), the
  // deliveries over 100 ms and the slowest; a stall shows as one or two seconds, a slow server as many
  const sends = [];
  for (const d of firsts) {
    const wamid = JSON.parse(d.body).data?.wamid;
    const t = sentAt.get(wamid);
    if (t === undefined) unknown++;
    else {
      latencies.push(d.at - t);
      sends.push(t);
    }
  }
  const t0 = sends.reduce((m, t) => Math.min(m, t), Infinity);
  const slow = new Map();
  latencies.forEach((l, i) => {
    if (l <= 100) return;
    const sec = Math.floor((sends[i] - t0) / 1000);
    const cur = slow.get(sec) ?? { second: sec, over100: 0, maxMs: 0 };
    cur.over100++;
    cur.maxMs = Math.max(cur.maxMs, l);
    slow.set(sec, cur);
  });
  const span = firsts.length > 1 ? firsts.at(-1).at - firsts[0].at : null;
  const lat = percentiles(latencies);
  return {
    expected,
    delivered: firsts.length,
    duplicates: deliveries.length - firsts.length,
    unknown,
    invalidSignatures: deliveries.filter((d) => !verifyDelivery(secret, d)).length,
    deliveriesPerSec: span ? round(((firsts.length - 1) * 1000) / span) : null,
    firstToLastSec: span === null ? null : round(span / 1000),
    latencyMs: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, v === null ? null : round(v, 1)])),
    // a steadier tail measure than the p99 (a few stalls move the p99 a lot): share of deliveries over 100 ms, in %
    over100Pct: latencies.length ? round((100 * latencies.filter((l) => l > 100).length) / latencies.length, 2) : null,
    firstSendAt: sends.length ? new Date(t0).toISOString() : null,
    slowSeconds: [...slow.values()].sort((a, b) => a.second - b.second),
  };
}

async function maxPhase(name, topic, server, secret) {
  receiver.reset();
  await produceBurst(topic, `${name}-warm`, config.warmup);
  await waitForDeliveries(config.warmup, 60000, `${name} warm-up`);
  await sleep(500);
  receiver.reset();
  const probe = await startProduceProbe(kafka, probeTopic);
  const usage = sampleProcess(server.pid);
  const t0 = Date.now();
  await produceBurst(topic, `${name}-max`, config.events);
  const produceSec = round((Date.now() - t0) / 1000);
  const complete = await waitForDeliveries(config.events, 240000, `${name} max`);
  const proc = usage.stop();
  const r = { ...analyse(receiver.reset(), config.events, secret), complete, produceSec, probe: await probe.stop(), ...cpuOf(proc, config.events) };
  log(`${name} max: ${r.deliveriesPerSec} deliveries/s (${r.delivered}/${config.events}, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms from Kafka), ${r.cpuMsPerDelivery} ms CPU each; load ${machineInfo().loadAvg.join(' ')}`);
  return r;
}

async function halfPhase(name, topic, server, secret, rate) {
  // The open loop measures the steady state at that rate: it starts once the server has finished
  // what its max phase left (the notifier's outcome writes and lease releases go on after the last
  // delivery arrived), as the baseline, idle since its own max phase, always does.
  const settle = await waitUntilIdle(server.pid);
  log(`${name} half: server idle after ${settle.waitedMs} ms (${settle.lastCores} cores${settle.settled ? '' : ', not settled'})`);
  receiver.reset();
  const probe = await startProduceProbe(kafka, probeTopic);
  const commits = await startCommitProbe(DATABASE_URL);
  const usage = sampleProcess(server.pid);
  const open = await produceOpenLoop(topic, `${name}-half`, rate, config.halfSec);
  const complete = await waitForDeliveries(open.events, 60000, `${name} half`);
  const proc = usage.stop();
  const r = { ...analyse(receiver.reset(), open.events, secret), complete, ...open, settle, probe: await probe.stop(), commitProbe: await commits.stop(), ...cpuOf(proc, open.events) };
  const since = (iso) => round((Date.parse(iso) - Date.parse(r.firstSendAt)) / 1000, 2);
  log(`${name} half: Postgres commit probe p50 ${r.commitProbe.p50} ms, p99 ${r.commitProbe.p99} ms, max ${r.commitProbe.max} ms; over 50 ms at ${r.commitProbe.slow.map((x) => `${since(x.at)}s (${x.ms} ms)`).join(', ') || 'none'}`);
  log(`${name} half (${rate}/s for ${config.halfSec} s): p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms, ${r.over100Pct} % over 100 ms (${r.delivered}/${open.events}; by second sent: ${r.slowSeconds.map((x) => `${x.second}s ${x.over100}×≤${x.maxMs}`).join(' ') || 'none'}), ${r.cpuMsPerDelivery} ms CPU each; load ${machineInfo().loadAvg.join(' ')}; first send ${r.firstSendAt}`);
  return r;
}

function cpuOf(proc, count) {
  return {
    cpuSeconds: round(proc.cpuSeconds, 3),
    cpuMsPerDelivery: proc.cpuSeconds === null ? null : round((proc.cpuSeconds * 1000) / count, 3),
    rssPeakMb: round(proc.rssPeakMb, 1),
  };
}

async function internal(method, path, body) {
  const res = await fetch(`${servers.notifier.url}${path}`, {
    method,
    headers: { 'x-internal-token': servers.token, 'x-tenant-id': TENANT, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Where the notifier's time goes, from its own tables: Kafka timestamp (= occurredAt here) →
 * event stored by the consumer (events.created_at) → delivery recorded (finished_at, after the
 * receiver's 200 and the outcome's commit).
 */
async function breakdown(tag) {
  const db = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await db.connect();
  try {
    const { rows: [r] } = await db.query(
      `SELECT ${['stored', 'delivered'].flatMap((k) => [0.5, 0.99].map((q) => `round((percentile_cont(${q}) WITHIN GROUP (ORDER BY ${k}))::numeric, 1) AS "${k}P${q * 100}"`)).join(', ')}
       FROM (SELECT extract(epoch FROM ev.created_at - ev.occurred_at) * 1000 AS stored, extract(epoch FROM d.finished_at - ev.created_at) * 1000 AS delivered
             FROM events ev JOIN deliveries d ON d.event_id = ev.id WHERE ev.body->'data'->>'wamid' LIKE $1) t`,
      [`%-${tag}-%`],
    );
    // the same split for the deliveries recorded over 100 ms after their Kafka timestamp, per second
    // of that timestamp (from the phase's first event): a stall before or after the event is stored
    const { rows: slow } = await db.query(
      `WITH t AS (SELECT ev.occurred_at, extract(epoch FROM ev.created_at - ev.occurred_at) * 1000 AS stored, extract(epoch FROM d.finished_at - ev.created_at) * 1000 AS delivered
                  FROM events ev JOIN deliveries d ON d.event_id = ev.id WHERE ev.body->'data'->>'wamid' LIKE $1)
       SELECT floor(extract(epoch FROM occurred_at - (SELECT min(occurred_at) FROM t)))::int AS second, count(*)::int AS n,
              round(max(stored)::numeric) AS "maxStored", round(max(delivered)::numeric) AS "maxDelivered"
       FROM t WHERE stored + delivered > 100 GROUP BY 1 ORDER BY 1`,
      [`%-${tag}-%`],
    );
    return {
      kafkaToStored: { p50: Number(r.storedP50), p99: Number(r.storedP99) }, storedToDeliveryRecorded: { p50: Number(r.deliveredP50), p99: Number(r.deliveredP99) },
      recordedOver100BySecond: slow.map((x) => ({ second: x.second, n: x.n, maxStored: Number(x.maxStored), maxDelivered: Number(x.maxDelivered) })),
    };
  } finally {
    await db.end();
  }
}

let exitCode = 0;
try {
  await producer.connect();
  await withRetry('creating the probe topic', () => createTopic(kafka, probeTopic, 1));
  const roundTrips = await produceRoundTrips(kafka, probeTopic, 20);
  details.brokerRoundTripMs = { p50: round(roundTrips[10]), max: round(roundTrips.at(-1)) };
  log(`broker round trip p50 ${details.brokerRoundTripMs.p50} ms; load ${machineAtStart.loadAvg.join(' ')}; ${config.events} events, ${config.partitions} partitions, ${config.conversations} conversations, telemetry ${config.otel}`);

  // the notifier: a fresh schema, topic suffix and group; it creates its topics at boot
  servers.token = randomBytes(24).toString('hex');
  const port = await freePort();
  servers.notifier = await startNodeProcess({
    name: 'notifier', entry: config.entry, port,
    execArgv: [...(config.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${config.cpuProf}`] : []), ...config.execArgv],
    env: {
      NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn', INTERNAL_TOKEN: servers.token,
      ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`, DATABASE_URL, DATABASE_SCHEMA: schema,
      TOPIC_SUFFIX: suffixes.notifier, KAFKA_PARTITIONS: String(config.partitions), NOTIFIER_CONSUMER_GROUP: notifierGroup,
      NOTIFIER_ALLOWED_TARGETS: '127.0.0.1/32', NOTIFIER_REQUIRE_HTTPS: 'false',
      ...(config.otel === 'off' ? { OTEL_SDK_DISABLED: 'true' } : {}),
      ...config.notifierEnv,
    },
  });
  details.notifierRssIdleMb = round(readRssMb(servers.notifier.pid), 1);
  const ep = await internal('POST', '/v1/webhook-endpoints', { url: receiver.url, description: 'bench receiver' });
  if (ep.status !== 201) throw new Error(`creating the endpoint answered ${ep.status}: ${JSON.stringify(ep.body)}`);
  const secret = ep.body.secret;

  // the baseline: its own topic of the same shape, the same receiver, a secret of the same form
  const baselineTopic = `${TOPIC}.${suffixes.baseline}`;
  await withRetry('creating the baseline topic', () => createTopic(kafka, baselineTopic, config.partitions));
  const baselineSecret = `whsec_${randomBytes(32).toString('base64')}`;
  servers.baseline = await startNodeProcess({
    name: 'baseline-notifier', entry: join(ROOT, 'bench/lib/baseline-notifier.mjs'), port: await freePort(),
    ...(config.cpuProf ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${config.cpuProf}`] } : {}),
    env: { BASELINE_TOPIC: baselineTopic, BASELINE_GROUP: baselineGroup, RECEIVER_URL: receiver.url, WEBHOOK_SECRET: baselineSecret, PARTITIONS: String(config.partitions) },
  });
  details.baselineRssIdleMb = round(readRssMb(servers.baseline.pid), 1);
  const notifierTopic = `${TOPIC}.${suffixes.notifier}`;

  details.phases.baselineMax = await maxPhase('baseline', baselineTopic, servers.baseline, baselineSecret);
  details.phases.notifierMax = await maxPhase('notifier', notifierTopic, servers.notifier, secret);
  // NOTIFIER_BENCH_HALF_RATE fixes the open-loop rate (A/B pairs at one rate; default half the notifier's max).
  const halfRate = process.env.NOTIFIER_BENCH_HALF_RATE ? intEnv('NOTIFIER_BENCH_HALF_RATE', 1) : Math.max(10, Math.round((details.phases.notifierMax.deliveriesPerSec ?? 20) / 2));
  details.halfRate = halfRate;
  details.phases.notifierHalf = await halfPhase('notifier', notifierTopic, servers.notifier, secret, halfRate);
  details.phases.baselineHalf = await halfPhase('baseline', baselineTopic, servers.baseline, baselineSecret, halfRate);
  details.notifierHalfBreakdownMs = await breakdown('notifier-half');
  log(`notifier half breakdown (ms): ${JSON.stringify(details.notifierHalfBreakdownMs)}`);
  const metrics = await fetch(`${servers.notifier.url}/metrics`).then((r) => r.text(), () => '');
  details.notifierMetrics = metrics.split('\n').filter((l) => /^notifier_(delivery_attempts_total|deliveries_dead_total|deliveries_pending|deliveries_handed_over_total)/.test(l));
} catch (err) {
  exitCode = 1;
  console.error(`notifier-bench: ${err.stack ?? err.message}`);
  if (servers.notifier) console.error(servers.notifier.output().slice(-4000));
} finally {
  await servers.notifier?.stop().catch(() => undefined);
  if (process.env.NOTIFIER_BENCH_LOG && servers.notifier) writeFileSync(process.env.NOTIFIER_BENCH_LOG, servers.notifier.output());
  await servers.baseline?.stop(2000).catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  await receiver.close();
  for (const s of Object.values(suffixes)) {
    await deleteBenchTopics(kafka, s, [], [notifierGroup, baselineGroup]).catch((e) => log(`topic cleanup failed: ${e.message}`));
  }
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect().then(() => db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch((e) => log(`schema cleanup failed: ${e.message}`)).finally(() => db.end().catch(() => undefined));
}
if (exitCode !== 0) process.exit(exitCode);

const p = details.phases;
const throughputRatio = p.notifierMax.deliveriesPerSec / p.baselineMax.deliveriesPerSec;
const lossOrDup = Object.values(p).reduce((n, ph) => n + (ph.expected - ph.delivered) + ph.duplicates, 0);
const invalid = Object.values(p).reduce((n, ph) => n + ph.invalidSignatures, 0);
writeResult({
  bench: 'notifier',
  startedAt,
  finishedAt: new Date().toISOString(),
  machine: { ...machineInfo(), loadAvgAtStart: machineAtStart.loadAvg },
  config: { ...config, DATABASE_URL: DATABASE_URL.replace(/\/\/[^@]*@/, '//'), receiver: 'in-bench node:http, 200 at once', baseline: 'bench/lib/baseline-notifier.mjs' },
  summary: [
    row('max deliveries/s (burst of N)', 'deliveries/s', p.notifierMax.deliveriesPerSec, p.baselineMax.deliveriesPerSec, { better: 'higher', target: '≥ 0.8 × baseline' }),
    row('open-loop rate (half the notifier max)', 'events/s', details.halfRate, details.halfRate, { better: 'higher' }),
    row('p50 Kafka timestamp → receiver 200, at half max', 'ms', p.notifierHalf.latencyMs.p50, p.baselineHalf.latencyMs.p50, { better: 'lower' }),
    row('p99 Kafka timestamp → receiver 200, at half max', 'ms', p.notifierHalf.latencyMs.p99, p.baselineHalf.latencyMs.p99, { better: 'lower', target: '< 100 ms' }),
    row('share of deliveries over 100 ms, at half max', '%', p.notifierHalf.over100Pct, p.baselineHalf.over100Pct, { better: 'lower' }),
    row('p99 during the max burst (queueing)', 'ms', p.notifierMax.latencyMs.p99, p.baselineMax.latencyMs.p99, { better: 'lower' }),
    row('server CPU per delivery (max phase)', 'ms', p.notifierMax.cpuMsPerDelivery, p.baselineMax.cpuMsPerDelivery, { better: 'lower' }),
    row('RSS idle', 'MB', details.notifierRssIdleMb, details.baselineRssIdleMb, { better: 'lower' }),
    row('RSS peak (max phase)', 'MB', p.notifierMax.rssPeakMb, p.baselineMax.rssPeakMb, { better: 'lower' }),
    row('broker round trip during half (probe p50)', 'ms', p.notifierHalf.probe.p50, p.baselineHalf.probe.p50, { better: 'lower' }),
    row('missing + duplicate deliveries, all phases', 'count', lossOrDup, undefined, { better: 'lower', target: '0' }),
    row('invalid signatures', 'count', invalid, undefined, { better: 'lower', target: '0' }),
  ],
  targets: {
    throughput: { want: '≥ 0.8', got: round(throughputRatio, 3), met: throughputRatio >= 0.8 },
    p99AtHalf: { want: '< 100 ms', got: p.notifierHalf.latencyMs.p99, met: p.notifierHalf.latencyMs.p99 !== null && p.notifierHalf.latencyMs.p99 < 100 },
  },
  details,
});
process.exit(0);
