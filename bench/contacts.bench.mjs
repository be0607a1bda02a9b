// `npm run bench -- contacts` (issue 7, "Benchmark"): the built contacts service as a child process.
//
//   inbound   once the service knows the 4 bench numbers, BENCH_INBOUND_EVENTS (5000) wa.inbound.message.v1
//             events from BENCH_USERS (1000) users are produced at once; the clock runs from the first
//             produce until every event is recorded (processed_inbound rows): events/s applied to
//             contacts (contact upsert, window, keywords, idempotency row, ContactChangedV1 produced).
//             Baseline: a bare kafkajs consumer reading the same topic and doing nothing (the
//             ceiling set by Kafka itself on this machine).
//   import    BENCH_IMPORT_ROWS (100000) CSV rows streamed to POST /v1/contacts/import: rows/s and the
//             service's peak RSS (VmHWM and sampled VmRSS). Baseline: the same rows written by a bare
//             multi-row INSERT … SELECT unnest(…) (1000 rows a statement) into an unindexed table
//             from this process — what Postgres costs without parsing, validation and upsert rules.
//   reimport  the same file again (everything unchanged): rows/s.
//
// Self-contained: starts Kafka if needed, creates the bench database, builds the app when its
// dist/ is missing. Topics get a random suffix and are deleted at the end; the schema is dropped.
import { randomBytes } from 'node:crypto';

import { Readable } from 'node:stream';
import pg from 'pg';
import { createTopic, deleteBenchTopics } from './lib/kafka.mjs';
import { freePort, readPeakRssMb, readRssMb, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { round, row, writeResult, intEnv } from './lib/result.mjs';
import { prepareServiceBench, sleep } from './lib/service-bench.mjs';

const int = intEnv;
const config = {
  inboundEvents: int('BENCH_INBOUND_EVENTS', 5000),
  users: int('BENCH_USERS', 1000),
  numbers: 4,
  importRows: int('BENCH_IMPORT_ROWS', 100000),
  partitions: 6,
  timeoutSec: int('BENCH_CONTACTS_TIMEOUT_SEC', 300),
};
const { log, entry, databaseUrl, startedAt, machine, suffix, schema, group, tenantId, token, kafka } =
  await prepareServiceBench({ name: 'contacts', app: 'contacts' });
const topic = (base) => `${base}.${suffix}`;
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
let service;
let failure = null;
const details = {};

function numberEvent(phoneNumberId) {
  const b64 = (n) => randomBytes(n).toString('base64');
  return {
    phoneNumberId, tenantId, displayPhoneNumber: '15550000000', wabaId: 'bench-waba', appId: 'bench-app', businessId: 'bench-biz',
    status: 'active', mps: 80, tier: '250', graphBaseUrl: 'http://127.0.0.1:3100', graphApiVersion: 'v23.0',
    accessToken: { alg: 'aes-256-gcm', keyId: 'bench', iv: b64(12), tag: b64(16), data: b64(24) }, revision: 1,
    updatedAt: new Date().toISOString(),
  };
}

function inboundEvent(i) {
  const user = i % config.users;
  const phoneNumberId = String(900000000 + (user % config.numbers));
  const waId = String(4915100000000 + user);
  const body = i % 97 === 0 ? 'STOP' : `message ${i}`;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  return {
    key: `${phoneNumberId}:${waId}`,
    value: JSON.stringify({
      wamid: `wamid.bench.${suffix}.${i}`, type: 'text', phoneNumberId, wabaId: 'bench-waba', appId: 'bench-app', waId,
      userId: `US.bench${user}`, profileName: `User ${user}`, occurredAt: at, receivedAt: at,
      raw: { id: `wamid.bench.${i}`, from: waId, type: 'text', text: { body } },
    }),
  };
}

async function produce(topicName, messages) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic: topicName, acks: -1, messages: messages.slice(i, i + 1000) });
  }
  await producer.disconnect();
}

async function count(sql) {
  const { rows } = await db.query(sql);
  return Number(rows[0].n);
}

/** A bare consumer that reads the topic and does nothing: Kafka's own ceiling here. */
async function baselineConsume(topicName, expected) {
  const consumer = kafka.consumer({ groupId: `bench-baseline-${suffix}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  let seen = 0;
  const t0 = Date.now();
  let t1 = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= expected && !t1) t1 = Date.now();
    },
  });
  while (!t1 && Date.now() - t0 < config.timeoutSec * 1000) await sleep(20);
  await consumer.disconnect();
  return t1 ? expected / ((t1 - t0) / 1000) : null;
}

function* csvLines(pn) {
  yield 'phoneNumberId,phone,name,tags,attr.segment,attr.note\n';
  let chunk = '';
  for (let i = 0; i < config.importRows; i++) {
    chunk += `${pn},+49152${String(10000000 + i)},Person ${i},bulk;s${i % 10},seg-${i % 97},"note ${i}"\n`;
    if (i % 500 === 499) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function importOnce(label) {
  const rssBeforeMb = readRssMb(service.pid);
  const sampler = sampleProcess(service.pid, 100);
  const t0 = Date.now();
  const res = await fetch(`${service.url}/v1/contacts/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'x-internal-token': token, 'x-tenant-id': tenantId },
    body: Readable.toWeb(Readable.from(csvLines('900000000'))),
    duplex: 'half',
  });
  const body = await res.json();
  const seconds = (Date.now() - t0) / 1000;
  const mem = sampler.stop();
  if (res.status !== 200 || body.failed !== 0) throw new Error(`${label} answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  log(`${label}: ${config.importRows} rows in ${seconds.toFixed(1)} s (created ${body.created}, updated ${body.updated}, unchanged ${body.unchanged}), RSS before ${round(rssBeforeMb, 0)} MB, peak ${round(mem.rssPeakMb, 0)} MB`);
  return { seconds, rowsPerSec: config.importRows / seconds, report: { ...body, errors: undefined }, mem: { ...mem, rssBeforeMb } };
}

async function baselineInsert() {
  await db.query(`CREATE TABLE ${schema}.bench_baseline (id text, tenant_id text, phone_number_id text, wa_id text, profile_name text, attributes jsonb, tags text[])`);
  const t0 = Date.now();
  for (let start = 0; start < config.importRows; start += 1000) {
    const ids = [], was = [], names = [], attrs = [], tags = [];
    for (let i = start; i < Math.min(start + 1000, config.importRows); i++) {
      ids.push(`b${i}`); was.push(`4915210000${i}`); names.push(`Person ${i}`);
      attrs.push(JSON.stringify({ segment: `seg-${i % 97}`, note: `note ${i}` })); tags.push(JSON.stringify(['bulk', `s${i % 10}`]));
    }
    await db.query(
      `INSERT INTO ${schema}.bench_baseline SELECT r.id, $1, '900000000', r.wa, r.name, r.attrs::jsonb, ARRAY(SELECT jsonb_array_elements_text(r.tags::jsonb))
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS r(id, wa, name, attrs, tags)`,
      [tenantId, ids, was, names, attrs, tags],
    );
  }
  return config.importRows / ((Date.now() - t0) / 1000);
}

try {
  for (const base of ['wa.inbound.message.v1', 'wa.status.updated.v1', 'wa.number.changed.v1', 'wa.contact.changed.v1', 'wa.contact.erased.v1', `${group}.dlq.v1`]) {
    await createTopic(kafka, topic(base), config.partitions).catch(() => undefined);
  }
  const inboundMessages = Array.from({ length: config.inboundEvents }, (_, i) => inboundEvent(i));
  // Baseline on a topic of its own with the same messages: a bare consumer that reads and does nothing.
  await createTopic(kafka, topic('bench.baseline.inbound'), config.partitions);
  await produce(topic('bench.baseline.inbound'), inboundMessages);
  const baselineEventsPerSec = await baselineConsume(topic('bench.baseline.inbound'), config.inboundEvents);
  log(`baseline consumer: ${round(baselineEventsPerSec, 0)} events/s`);

  const port = await freePort();
  const t0 = Date.now();
  service = await startNodeProcess({
    name: 'contacts', entry, port,
    env: {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', INTERNAL_TOKEN: token, DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema, TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: String(config.partitions), CONTACTS_CONSUMER_GROUP: group,
    },
  });
  log(`service live after ${Date.now() - t0} ms`);
  const numbers = Array.from({ length: config.numbers }, (_, i) => String(900000000 + i));
  await produce(topic('wa.number.changed.v1'), numbers.map((n) => ({ key: n, value: JSON.stringify(numberEvent(n)) })));
  for (let t = Date.now(); Date.now() - t < 60000; await sleep(100)) {
    if ((await count(`SELECT count(*) AS n FROM ${schema}.numbers`).catch(() => 0)) >= config.numbers) break;
  }
  log(`numbers known; producing ${config.inboundEvents} inbound events`);
  const sampler = sampleProcess(service.pid, 200);
  const live = Date.now();
  await produce(topic('wa.inbound.message.v1'), inboundMessages);
  let done = 0;
  while (Date.now() - live < config.timeoutSec * 1000) {
    done = await count(`SELECT count(*) AS n FROM ${schema}.processed_inbound`).catch(() => 0);
    if (done >= config.inboundEvents) break;
    await sleep(100);
  }
  const inboundSeconds = (Date.now() - live) / 1000;
  const inboundMem = sampler.stop();
  if (done < config.inboundEvents) throw new Error(`only ${done}/${config.inboundEvents} inbound events applied within ${config.timeoutSec} s`);
  const inboundPerSec = config.inboundEvents / inboundSeconds;
  const contacts = await count(`SELECT count(*) AS n FROM ${schema}.contacts`);
  const optedOut = await count(`SELECT count(*) AS n FROM ${schema}.contacts WHERE opted_out`);
  log(`inbound: ${config.inboundEvents} events in ${inboundSeconds.toFixed(1)} s = ${round(inboundPerSec, 0)} events/s; ${contacts} contacts, ${optedOut} opted out`);
  details.inbound = { seconds: round(inboundSeconds), contacts, optedOut, mem: inboundMem };

  const first = await importOnce('import');
  const again = await importOnce('re-import');
  const hwm = readPeakRssMb(service.pid);
  const baselineRowsPerSec = await baselineInsert();
  log(`baseline insert: ${round(baselineRowsPerSec, 0)} rows/s`);
  details.import = first;
  details.reimport = again;
  details.serviceRss = { vmHwmMb: round(hwm, 1), endMb: round(readRssMb(service.pid), 1) };

  const summary = [
    row('inbound events applied to contacts', 'events/s', inboundPerSec, baselineEventsPerSec, { note: 'baseline: bare kafkajs consumer' }),
    row('import (100k-row CSV, streamed)', 'rows/s', first.rowsPerSec, baselineRowsPerSec, { note: 'baseline: bare INSERT…unnest, no indexes' }),
    row('re-import (nothing changes)', 'rows/s', again.rowsPerSec, baselineRowsPerSec),
    row('service peak RSS during import', 'MB', first.mem.rssPeakMb, first.mem.rssBeforeMb, { better: 'lower', note: 'baseline: RSS just before the import' }),
    row('service peak RSS of the whole run (VmHWM)', 'MB', hwm, null, { better: 'lower' }),
  ];
  writeResult({ bench: 'contacts', startedAt, finishedAt: new Date().toISOString(), machine, config, summary, details });
} catch (err) {
  failure = err;
  log(`failed: ${err.stack ?? err.message}`);
  if (service) log(`service output:\n${service.output()}`);
} finally {
  await service?.stop().catch(() => undefined);
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await db.end().catch(() => undefined);
  await deleteBenchTopics(kafka, suffix, [], [group, `bench-baseline-${suffix}`]).catch(() => undefined);
}
process.exit(failure ? 1 : 0);
