// `npm run bench -- media` (issue 13, "Benchmark"): the built media service as a child process,
// local disk storage, against bench/lib/baseline-media-server.mjs (a bare node:http server that
// streams each body to a file while hashing it) in the same run, on the same disk.
//
//   upload   BENCH_MEDIA_UPLOADS (32) documents of BENCH_MEDIA_UPLOAD_MB (8) MB, BENCH_MEDIA_CONCURRENCY
//            (4) at a time, raw bodies (application/pdf) to POST /v1/media: MB/s. The same bodies to
//            the baseline. The media service also sniffs, enforces Meta's limit, fsyncs, renames,
//            writes its row and publishes wa.media.stored.v1 (no number announced: no Graph upload).
//   90 MB    one 90 MB document: the service's RSS sampled every 50 ms (peak, and growth over its
//            RSS just before), and the same upload to the baseline.
//   inbound  BENCH_MEDIA_INBOUND (1500) images of BENCH_MEDIA_INBOUND_KB (100) KB uploaded to the real
//            sandbox (apps/sandbox as Meta, its own process), then as many wa.inbound.message.v1
//            image events produced at once: inbound fetches/s until every object is stored
//            (GET /{media-id} → download with the Bearer → sha256 checked → stored → row + event).
//            Baseline: a bare kafkajs consumer (eachMessage, all partitions concurrently) doing the
//            same GET + download to a file with sha256, no database, no retries, no event.
//
// Self-contained: starts Kafka if needed, creates the bench database, builds the app when its
// dist/ is missing. Topics get a random suffix and are deleted at the end; the schema is dropped.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTopic, deleteBenchTopics } from './lib/kafka.mjs';
import { freePort, readRssMb, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { intEnv, ROOT, round, row, writeResult } from './lib/result.mjs';
import { prepareServiceBench, sleep } from './lib/service-bench.mjs';

const MB = 1024 * 1024;
const config = {
  uploads: intEnv('BENCH_MEDIA_UPLOADS', 32),
  uploadMb: intEnv('BENCH_MEDIA_UPLOAD_MB', 8),
  concurrency: intEnv('BENCH_MEDIA_CONCURRENCY', 4),
  bigMb: 90,
  inbound: intEnv('BENCH_MEDIA_INBOUND', 1500),
  inboundKb: intEnv('BENCH_MEDIA_INBOUND_KB', 100),
  timeoutSec: intEnv('BENCH_MEDIA_TIMEOUT_SEC', 300),
  partitions: 3,
};
const { log, entry, entries, databaseUrl, startedAt, machine, suffix, schema, group, tenantId, token, kafka } =
  await prepareServiceBench({ name: 'media', app: 'media', alsoBuild: ['sandbox'] });
const sandboxEntry = entries.sandbox;
// the numbers' access tokens travel sealed (ADR 0072): seal with the built config lib
const { SecretBox, accessTokenAad } = createRequire(import.meta.url)(join(ROOT, 'libs', 'config', 'dist', 'index.js'));
const topic = (base) => `${base}.${suffix}`;
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const serviceDir = mkdtempSync(join(tmpdir(), 'media-bench-service-'));
const baselineDir = mkdtempSync(join(tmpdir(), 'media-bench-baseline-'));
const inboundDir = mkdtempSync(join(tmpdir(), 'media-bench-inbound-'));
const keySpec = SecretBox.generateKeySpec('bench');
let service;
let baseline;
let sandbox;
let failure = null;
const details = {};

const PDF_HEAD = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
const FILLER = Buffer.alloc(64 * 1024, 0x41);

/** A `bytes`-long PDF-looking body as a web stream of 64 KB pieces (nothing held but one piece). */
function pdfBody(bytes, hash) {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      let piece = sent === 0 ? Buffer.concat([PDF_HEAD, FILLER.subarray(PDF_HEAD.length)]) : FILLER;
      if (sent + piece.length > bytes) piece = piece.subarray(0, bytes - sent);
      sent += piece.length;
      hash?.update(piece);
      controller.enqueue(piece);
    },
  });
}

async function uploadOnce(url, bytes) {
  const hash = createHash('sha256');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/pdf', 'x-internal-token': token, 'x-tenant-id': tenantId },
    body: pdfBody(bytes, hash),
    duplex: 'half',
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  const expected = hash.digest('hex');
  if (body.sha256 !== expected || body.size !== bytes) throw new Error(`upload stored ${body.size} bytes, sha256 ${body.sha256}; sent ${bytes}, ${expected}`);
  return body;
}

/** `config.uploads` uploads, `config.concurrency` at a time: MB/s over the whole phase. */
async function uploadPhase(url) {
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < config.uploads) {
      next++;
      await uploadOnce(url, config.uploadMb * MB);
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  const seconds = (Date.now() - t0) / 1000;
  return { seconds, mbPerSec: (config.uploads * config.uploadMb) / seconds };
}

async function bigUpload(label, url, pid) {
  const before = readRssMb(pid);
  const sampler = sampleProcess(pid, 50);
  const t0 = Date.now();
  await uploadOnce(url, config.bigMb * MB);
  const seconds = (Date.now() - t0) / 1000;
  const mem = sampler.stop();
  log(`${label}: 90 MB in ${seconds.toFixed(1)} s, RSS before ${round(before, 0)} MB, peak ${round(mem.rssPeakMb, 0)} MB`);
  return { seconds, mbPerSec: config.bigMb / seconds, rssBeforeMb: round(before, 1), rssPeakMb: round(mem.rssPeakMb, 1), growthMb: round(mem.rssPeakMb - before, 1), cpuSeconds: round(mem.cpuSeconds, 2) };
}

/** A PNG-looking image of `kb` KB, unique per `i` (so every sha256 differs). */
function png(kb, i) {
  const b = Buffer.alloc(kb * 1024, i % 251);
  Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex').copy(b);
  b.writeUInt32BE(i, 40);
  return b;
}

async function startSandbox(pn, token) {
  const port = await freePort();
  const proc = await startNodeProcess({
    name: 'sandbox', entry: sandboxEntry, port,
    env: { NODE_ENV: 'production', LOG_LEVEL: 'error', OTEL_SDK_DISABLED: 'true', MEDIA_STORE_MAX_BYTES: String(2 * config.inbound * config.inboundKb * 1024 + 64 * MB) },
  });
  const reg = await fetch(`${proc.url}/_sandbox/numbers`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumberId: pn, displayPhoneNumber: '+15550003', wabaId: `waba-${pn}`, accessToken: token, appSecret: 'bench-sandbox-secret', callbackUrl: 'http://127.0.0.1:9/unused', tier: 'unlimited' }),
  });
  if (reg.status !== 201) throw new Error(`sandbox number registration: ${reg.status} ${await reg.text()}`);
  return proc;
}

/** Uploads the images to the sandbox's Graph: [{id, sha256}]. */
async function seedSandboxMedia(url, pn, token) {
  const out = [];
  for (let i = 0; i < config.inbound; i++) {
    const bytes = png(config.inboundKb, i);
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', 'image/png');
    form.append('file', new Blob([bytes], { type: 'image/png' }), `in-${i}.png`);
    const res = await fetch(`${url}/v23.0/${pn}/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    if (res.status !== 200) throw new Error(`sandbox media upload: ${res.status} ${await res.text()}`);
    out.push({ id: (await res.json()).id, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return out;
}

function inboundEvents(media, pn) {
  const now = new Date().toISOString();
  return media.map((m, i) => {
    const waId = String(4915200000000 + (i % 100));
    const wamid = `wamid.bench.${suffix}.${i}`;
    return {
      key: `${pn}:${waId}`,
      value: JSON.stringify({
        wamid, type: 'image', tenantId, phoneNumberId: pn, displayPhoneNumber: '15550003', wabaId: `waba-${pn}`, appId: 'bench-app', waId,
        occurredAt: now, receivedAt: now,
        raw: { id: wamid, from: waId, timestamp: String(Math.floor(Date.now() / 1000)), type: 'image', image: { id: m.id, mime_type: 'image/png', sha256: m.sha256 } },
      }),
    };
  });
}

async function produce(topicName, messages) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 500) await producer.send({ topic: topicName, acks: -1, messages: messages.slice(i, i + 500) });
  await producer.disconnect();
}

/** The bare consumer: GET /{media-id}, download with the Bearer to a file while hashing, check the sha256. */
async function baselineInbound(topicName, graphUrl, token, expected) {
  const consumer = kafka.consumer({ groupId: `bench-baseline-${suffix}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  let done = 0;
  let bad = 0;
  const t0 = Date.now();
  let t1 = 0;
  await consumer.run({
    partitionsConsumedConcurrently: config.partitions,
    eachMessage: async ({ message }) => {
      const e = JSON.parse(message.value.toString('utf8'));
      const auth = { authorization: `Bearer ${token}` };
      const info = await (await fetch(`${graphUrl}/v23.0/${e.raw.image.id}?phone_number_id=${e.phoneNumberId}`, { headers: auth })).json();
      const res = await fetch(info.url, { headers: auth });
      const hash = createHash('sha256');
      const tap = new Transform({ transform(chunk, _enc, cb) { hash.update(chunk); cb(null, chunk); } });
      await pipeline(Readable.fromWeb(res.body), tap, createWriteStream(join(inboundDir, e.raw.image.id)));
      if (hash.digest('hex') !== info.sha256) bad++;
      done++;
      if (done >= expected && !t1) t1 = Date.now();
    },
  });
  while (!t1 && Date.now() - t0 < config.timeoutSec * 1000) await sleep(20);
  await consumer.disconnect();
  if (bad > 0) throw new Error(`baseline: ${bad} sha256 mismatches`);
  return t1 ? expected / ((t1 - t0) / 1000) : null;
}

async function count(sql) {
  const { rows } = await db.query(sql);
  return Number(rows[0].n);
}

async function inboundPhase() {
  const pn = String(970000000 + Math.floor(Math.random() * 30000));
  const token = `bench-graph-${randomBytes(6).toString('hex')}`;
  sandbox = await startSandbox(pn, token);
  const media = await seedSandboxMedia(sandbox.url, pn, token);
  log(`sandbox holds ${media.length} images of ${config.inboundKb} KB`);
  const box = new SecretBox(keySpec);
  const graphBaseUrl = sandbox.url;
  const number = {
    phoneNumberId: pn, tenantId, displayPhoneNumber: '15550003', wabaId: `waba-${pn}`, appId: 'bench-app', businessId: 'bench-biz', status: 'active',
    mps: 80, tier: 'unlimited', graphBaseUrl, graphApiVersion: 'v23.0', accessToken: box.seal(token, accessTokenAad({ phoneNumberId: pn, graphBaseUrl, revision: 1 })),
    revision: 1, updatedAt: new Date().toISOString(),
  };
  await produce(topic('wa.number.changed.v1'), [{ key: pn, value: JSON.stringify(number) }]);
  for (let t = Date.now(); Date.now() - t < 60000; await sleep(100)) {
    if ((await count(`SELECT count(*) AS n FROM "${schema}".numbers WHERE phone_number_id = '${pn}'`).catch(() => 0)) === 1) break;
  }
  const events = inboundEvents(media, pn);
  await createTopic(kafka, topic('bench.baseline.inbound'), config.partitions);
  await produce(topic('bench.baseline.inbound'), events);
  const baselinePerSec = await baselineInbound(topic('bench.baseline.inbound'), graphBaseUrl, token, events.length);
  log(`inbound baseline: ${round(baselinePerSec, 1)} fetches/s`);

  const sampler = sampleProcess(service.pid, 200);
  const t0 = Date.now();
  await produce(topic('wa.inbound.message.v1'), events);
  let stored = 0;
  while (Date.now() - t0 < config.timeoutSec * 1000) {
    stored = await count(`SELECT count(*) AS n FROM "${schema}".media WHERE direction = 'inbound'`).catch(() => 0);
    if (stored >= events.length) break;
    await sleep(50);
  }
  const seconds = (Date.now() - t0) / 1000;
  const mem = sampler.stop();
  const failed = await count(`SELECT count(*) AS n FROM "${schema}".inbound_media WHERE status = 'failed'`).catch(() => null);
  if (stored < events.length) throw new Error(`only ${stored}/${events.length} inbound media stored within ${config.timeoutSec} s (failed: ${failed})`);
  const perSec = events.length / seconds;
  log(`inbound: ${events.length} fetched and stored in ${seconds.toFixed(1)} s = ${round(perSec, 1)}/s`);
  return { perSec, baselinePerSec, seconds: round(seconds, 2), failed, cpuSeconds: round(mem.cpuSeconds, 2), rssPeakMb: round(mem.rssPeakMb, 1) };
}

try {
  for (const base of ['wa.inbound.message.v1', 'wa.number.changed.v1', 'wa.media.stored.v1', 'wa.contact.erased.v1', `${group}.dlq.v1`]) {
    await createTopic(kafka, topic(base), config.partitions).catch(() => undefined);
  }
  const [port, basePort] = [await freePort(), await freePort()];
  // BENCH_MEDIA_CPU_PROF=<dir>: a CPU profile of the service, written when it stops
  const execArgv = process.env.BENCH_MEDIA_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_MEDIA_CPU_PROF}`] : [];
  service = await startNodeProcess({
    name: 'media', entry, port, execArgv,
    env: {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', INTERNAL_TOKEN: token, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema,
      ENCRYPTION_KEYS: keySpec, TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: String(config.partitions),
      MEDIA_CONSUMER_GROUP: group, MEDIA_STORAGE: 'local', MEDIA_STORAGE_DIR: serviceDir,
    },
  });
  baseline = await startNodeProcess({
    name: 'baseline-media', entry: join(ROOT, 'bench', 'lib', 'baseline-media-server.mjs'), port: basePort, readyPath: '/',
    env: { MEDIA_DIR: baselineDir },
  });
  const serviceUpload = `${service.url}/v1/media?phoneNumberId=bench-unannounced`;
  const baselineUpload = `${baseline.url}/upload`;

  // warm-up: a few uploads each
  for (let i = 0; i < 3; i++) {
    await uploadOnce(serviceUpload, MB);
    await uploadOnce(baselineUpload, MB);
  }
  // alternate the order so neither always runs on a warmer page cache
  const baseUp = await uploadPhase(baselineUpload);
  const svcUp = await uploadPhase(serviceUpload);
  log(`upload: service ${round(svcUp.mbPerSec, 1)} MB/s, baseline ${round(baseUp.mbPerSec, 1)} MB/s`);
  const svcBig = await bigUpload('service', serviceUpload, service.pid);
  const baseBig = await bigUpload('baseline', baselineUpload, baseline.pid);
  details.upload = { service: svcUp, baseline: baseUp };
  details.big = { service: svcBig, baseline: baseBig };
  const inbound = await inboundPhase();
  details.inbound = inbound;

  const summary = [
    row(`upload, ${config.uploads} × ${config.uploadMb} MB, ${config.concurrency} at a time`, 'MB/s', svcUp.mbPerSec, baseUp.mbPerSec, { target: '≥ 0.7', note: 'baseline: bare node:http stream-to-disk + sha256' }),
    row('one 90 MB upload', 'MB/s', svcBig.mbPerSec, baseBig.mbPerSec),
    row(`inbound media fetched and stored (${config.inbound} × ${config.inboundKb} KB images)`, 'fetches/s', inbound.perSec, inbound.baselinePerSec, { target: '≥ 0.7', note: 'baseline: bare kafkajs consumer, GET + download to disk + sha256' }),
    row('service peak RSS during the 90 MB upload', 'MB', svcBig.rssPeakMb, svcBig.rssBeforeMb, { better: 'lower', note: 'baseline: the service\'s RSS just before' }),
    row('baseline server peak RSS during the 90 MB upload', 'MB', baseBig.rssPeakMb, baseBig.rssBeforeMb, { better: 'lower' }),
  ];
  writeResult({ bench: 'media', startedAt, finishedAt: new Date().toISOString(), machine, config, summary, details });
} catch (err) {
  failure = err;
  log(`failed: ${err.stack ?? err.message}`);
  if (service) log(`service output:\n${service.output()}`);
} finally {
  await service?.stop().catch(() => undefined);
  await baseline?.stop().catch(() => undefined);
  await sandbox?.stop().catch(() => undefined);
  rmSync(inboundDir, { recursive: true, force: true });
  rmSync(serviceDir, { recursive: true, force: true });
  rmSync(baselineDir, { recursive: true, force: true });
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await db.end().catch(() => undefined);
  await deleteBenchTopics(kafka, suffix, [], [group]).catch(() => undefined);
}
process.exit(failure ? 1 : 0);
