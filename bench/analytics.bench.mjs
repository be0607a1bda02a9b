// `npm run bench -- analytics` (issue 15, "Benchmark"): events/s folded into rollups by the built
// analytics service (apps/analytics/dist/main.js as a child process), against a same-run baseline.
//
//   fold      BENCH_ANALYTICS_MESSAGES (10000) outbound messages on BENCH_ANALYTICS_NUMBERS (4) numbers,
//             each as 5 events: wa.outbound.events.v1 accepted and sent, wa.status.updated.v1 sent
//             (with PMP pricing), delivered and read, keyed by number:recipient over 6 partitions
//             (50000 events). The service is running and has folded a warm-up message; the clock
//             runs from the first produce until the rollups hold every count (accepted = sent =
//             delivered = read = billable = messages): dedupe facts, hourly counters by pricing
//             category and market, three HDR latency sketches per number and hour.
//   baseline  the same events on topics of their own, read by a bare kafkajs consumer (eachMessage,
//             the same 3 partitions at a time as the service) doing one
//             `INSERT … ON CONFLICT DO UPDATE SET count = count + 1` per event into a counters table
//             (tenant, number, hour, metric): less work than the service (no dedupe, no latency, no
//             pricing), one statement per event. Same warm-up, same clock.
//
// Target: service ≥ 2× baseline (ADR 0120: a batch is folded in a handful of statements).
// Self-contained like the other benches: Kafka started if needed, bench database created, the app
// built when its dist/ is missing; random topic suffix and groups, topics and schema removed at the end.

import pg from 'pg';
import { createTopic, deleteBenchTopics } from './lib/kafka.mjs';
import { freePort, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { intEnv, machineInfo, round, row, writeResult } from './lib/result.mjs';
import { prepareServiceBench } from './lib/service-bench.mjs';

const config = {
  messages: intEnv('BENCH_ANALYTICS_MESSAGES', 10000),
  numbers: intEnv('BENCH_ANALYTICS_NUMBERS', 4),
  eventsPerMessage: 5,
  partitions: 6,
  concurrency: 3, // the service's partitionsConsumedConcurrently (libs/kafka default)
  batchMessages: intEnv('BENCH_ANALYTICS_BATCH', 500), // ANALYTICS_BATCH_MESSAGES' default
  timeoutSec: intEnv('BENCH_ANALYTICS_TIMEOUT_SEC', 300),
};
const log = (msg) => process.stderr.write(`[analytics bench] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { entry, databaseUrl, startedAt, machine, suffix, schema, group, tenantId, token, kafka } =
  await prepareServiceBench({ name: 'analytics', app: 'analytics' });
const baselineSchema = `analytics_baseline_${suffix}`;
const baselineGroup = `bench-baseline-${suffix}`;
const topic = (base) => `${base}.${suffix}`;
const OUTBOUND = 'wa.outbound.events.v1';
const STATUS = 'wa.status.updated.v1';
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
let service;
let failure = null;
const details = {};

/** The five events of message `i` of run `tag` (a warm-up uses its own tag), in the hour they happen. */
function messageEvents(tag, i) {
  const phoneNumberId = String(910000000 + (i % config.numbers));
  const recipient = `4915${String(10000000 + i)}`;
  const id = `${tag}-m${i}`;
  const wamid = `wamid.${tag}.${i}`;
  const key = `${phoneNumberId}:${recipient}`;
  const t = Date.UTC(2026, 2, 10, 8) + i * 900; // 10000 messages span 2.5 hours: three hour buckets
  const iso = (ms) => new Date(ms).toISOString();
  const outbound = (event, at, extra = {}) => ({ topic: OUTBOUND, key, value: { id, tenantId, phoneNumberId, recipient, event, occurredAt: iso(at), ...extra } });
  const status = (s, at, extra = {}) => ({
    topic: STATUS, key,
    value: { wamid, status: s, phoneNumberId, wabaId: 'bench-waba', appId: 'bench-app', tenantId, recipientId: recipient, bizOpaqueCallbackData: id, occurredAt: iso(at), receivedAt: iso(at + 50), raw: {}, ...extra },
  });
  return [
    outbound('accepted', t),
    outbound('sent', t + 300 + (i % 7) * 100, { wamid }),
    status('sent', t + 400 + (i % 7) * 100, { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: i % 3 === 0 ? 'utility' : 'marketing' } }),
    status('delivered', t + 2000 + (i % 11) * 250),
    status('read', t + 30000 + (i % 13) * 1000),
  ];
}

async function produce(topicOf, events) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const byTopic = new Map();
  for (const e of events) {
    const t = topicOf(e.topic);
    if (!byTopic.has(t)) byTopic.set(t, []);
    byTopic.get(t).push({ key: e.key, value: JSON.stringify(e.value) });
  }
  for (let i = 0; ; i += 1000) {
    const topicMessages = [...byTopic].map(([t, msgs]) => ({ topic: t, messages: msgs.slice(i, i + 1000) })).filter((x) => x.messages.length > 0);
    if (topicMessages.length === 0) break;
    await producer.sendBatch({ acks: -1, topicMessages });
  }
  await producer.disconnect();
}

async function waitUntil(what, check) {
  const t0 = Date.now();
  while (Date.now() - t0 < config.timeoutSec * 1000) {
    const last = await check().catch(() => false);
    if (last === true) return;
    await sleep(50);
  }
  throw new Error(`${what}: not done within ${config.timeoutSec} s`);
}

/** The service's rollups for the tenant: accepted, sent, delivered, read, billable. */
async function serviceCounts(schemaName) {
  const { rows } = await db.query(
    `SELECT metric, sum(count)::int AS n FROM "${schemaName}".hourly_counts WHERE tenant_id = $1 AND metric = ANY($2::text[]) GROUP BY metric`,
    [tenantId, ['accepted', 'sent', 'delivered', 'read', 'billable']],
  );
  return Object.fromEntries(rows.map((r) => [r.metric, r.n]));
}

const complete = (c, n) => ['accepted', 'sent', 'delivered', 'read', 'billable'].every((m) => c[m] === n);

/** One run: warm-up message folded (consumer assigned and fetching), then the clock around produce + fold. */
async function timedRun(label, topicOf, counts, expectedOf) {
  const warm = messageEvents(`${suffix}-${label}-warm`, 0);
  await produce(topicOf, warm);
  await waitUntil(`${label} warm-up`, async () => expectedOf(await counts(), 1));
  const events = Array.from({ length: config.messages }, (_, i) => messageEvents(`${suffix}-${label}`, i)).flat();
  const t0 = Date.now();
  await produce(topicOf, events);
  const producedSec = (Date.now() - t0) / 1000;
  await waitUntil(`${label} fold`, async () => expectedOf(await counts(), config.messages + 1));
  const seconds = (Date.now() - t0) / 1000;
  log(`${label}: ${events.length} events in ${seconds.toFixed(2)} s (produced in ${producedSec.toFixed(2)} s) = ${round(events.length / seconds, 0)} events/s`);
  return { events: events.length, seconds: round(seconds, 3), producedSec: round(producedSec, 3), eventsPerSec: events.length / seconds };
}

/** The naive consumer: one upsert per event, kafkajs eachMessage, `config.concurrency` partitions at a time. */
async function startBaseline() {
  await db.query(`CREATE SCHEMA "${baselineSchema}"`);
  await db.query(`CREATE TABLE "${baselineSchema}".counters (tenant_id text NOT NULL, phone_number_id text NOT NULL, hour timestamptz NOT NULL, metric text NOT NULL, count bigint NOT NULL,
    PRIMARY KEY (tenant_id, hour, phone_number_id, metric))`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: config.concurrency });
  const consumer = kafka.consumer({ groupId: baselineGroup });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic(`bench.baseline.${OUTBOUND}`), topic(`bench.baseline.${STATUS}`)], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: config.concurrency,
    eachMessage: async ({ message }) => {
      const ev = JSON.parse(message.value.toString());
      const metric = ev.event ?? ev.status;
      const hour = new Date(Math.floor(Date.parse(ev.occurredAt) / 3_600_000) * 3_600_000);
      const rows = [[metric]];
      if (ev.pricing?.billable) rows.push(['billable']); // the service counts pricing too
      for (const [m] of rows) {
        await pool.query(
          `INSERT INTO "${baselineSchema}".counters AS c (tenant_id, phone_number_id, hour, metric, count) VALUES ($1, $2, $3, $4, 1)
           ON CONFLICT (tenant_id, hour, phone_number_id, metric) DO UPDATE SET count = c.count + 1`,
          [ev.tenantId, ev.phoneNumberId, hour, m],
        );
      }
    },
  });
  return { consumer, pool };
}

async function baselineCounts() {
  const { rows } = await db.query(`SELECT metric, sum(count)::int AS n FROM "${baselineSchema}".counters WHERE tenant_id = $1 GROUP BY metric`, [tenantId]);
  return Object.fromEntries(rows.map((r) => [r.metric, r.n]));
}

let baseline;
try {
  for (const base of [OUTBOUND, STATUS, `bench.baseline.${OUTBOUND}`, `bench.baseline.${STATUS}`]) {
    await createTopic(kafka, topic(base), config.partitions).catch(() => undefined);
  }

  baseline = await startBaseline();
  // the baseline counts 'sent' twice (outbound sent + status sent: it does not dedupe), so it is done at 2 × messages
  const baselineDone = (c, n) => c.accepted === n && c.sent === 2 * n && c.delivered === n && c.read === n && c.billable === n;
  const baseRun = await timedRun('baseline', (t) => topic(`bench.baseline.${t}`), baselineCounts, baselineDone);
  await baseline.consumer.disconnect();
  await baseline.pool.end();
  baseline = undefined;

  const port = await freePort();
  const t0 = Date.now();
  service = await startNodeProcess({
    name: 'analytics', entry, port, readyPath: '/health/ready', timeoutMs: 90000,
    env: {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', INTERNAL_TOKEN: token, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema,
      TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: String(config.partitions), ANALYTICS_CONSUMER_GROUP: group, ANALYTICS_BATCH_MESSAGES: String(config.batchMessages),
    },
  });
  log(`service ready after ${Date.now() - t0} ms`);
  const sampler = sampleProcess(service.pid, 200);
  const serviceRun = await timedRun('service', topic, () => serviceCounts(schema), complete);
  const mem = sampler.stop();
  const sketches = await db.query(`SELECT pair, sum(samples)::int AS n FROM "${schema}".latency_sketches WHERE tenant_id = $1 GROUP BY pair ORDER BY pair`, [tenantId]);
  details.service = { ...serviceRun, mem, latencySamples: Object.fromEntries(sketches.rows.map((r) => [r.pair, r.n])) };
  details.baseline = baseRun;
  details.loadAvgAtEnd = machineInfo().loadAvg;

  const summary = [
    row('events folded into rollups (5 per message)', 'events/s', serviceRun.eventsPerSec, baseRun.eventsPerSec, {
      target: '>= 2x', note: 'baseline: bare kafkajs consumer, one INSERT … ON CONFLICT DO UPDATE per event',
    }),
    row('service CPU during the fold', 'cpu s', mem.cpuSeconds ?? null, null, { better: 'lower' }),
    row('service peak RSS during the fold', 'MB', mem.rssPeakMb, null, { better: 'lower' }),
  ];
  writeResult({ bench: 'analytics', startedAt, finishedAt: new Date().toISOString(), machine, config, summary, details });
} catch (err) {
  failure = err;
  log(`failed: ${err.stack ?? err.message}`);
  if (service) log(`service output:\n${service.output()}`);
} finally {
  await baseline?.consumer.disconnect().catch(() => undefined);
  await baseline?.pool.end().catch(() => undefined);
  await service?.stop().catch(() => undefined);
  for (const s of [schema, baselineSchema]) await db.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
  await db.end().catch(() => undefined);
  await deleteBenchTopics(kafka, suffix, [], [group, baselineGroup]).catch(() => undefined);
}
process.exit(failure ? 1 : 0);
