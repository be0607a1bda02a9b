// `npm run bench -- campaigns` (issue 20, "Benchmark"): the built campaigns service as a child process.
//
//   expand   a campaign to BENCH_CAMPAIGN_RECIPIENTS (100000) tagged contacts with a per-contact
//            parameter ({{attributes.firstName|there}}): recipients expanded per second (from
//            `start` until the campaign says `expanded`, every recipient stored with its rendered
//            parameters) and the service's RSS during it (peak vs just before: the audience is
//            streamed page by page, never held). The contacts API is served from this process
//            (pages of 500 by keyset cursor, generated on the fly), so the numbers are the
//            campaigns service's, not the contacts service's. The number's rate is 1 mps, so
//            planning sends costs next to nothing during the run.
//   baseline the same pages fetched over HTTP by a bare loop in this process and each page written
//            with one INSERT … jsonb_to_recordset into an unindexed table: what HTTP paging plus
//            Postgres cost without the service's rules, keys, per-contact rendering and ticks.
//
// Self-contained: starts Kafka if needed, creates the bench database, builds the app when its
// dist/ is missing. Topics get a random suffix and are deleted at the end; the schema is dropped.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { createTopic, deleteBenchTopics } from './lib/kafka.mjs';
import { freePort, readPeakRssMb, readRssMb, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { round, row, writeResult, intEnv } from './lib/result.mjs';
import { prepareServiceBench, sleep } from './lib/service-bench.mjs';

const config = {
  recipients: intEnv('BENCH_CAMPAIGN_RECIPIENTS', 100000),
  pageSize: 500,
  partitions: 6,
  timeoutSec: intEnv('BENCH_CAMPAIGNS_TIMEOUT_SEC', 600),
};
const { log, entry, databaseUrl, startedAt, machine, suffix, schema, group, tenantId, token, kafka } =
  await prepareServiceBench({ name: 'campaigns', app: 'campaigns' });
const phoneNumberId = '900000020';
const topic = (base) => `${base}.${suffix}`;
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
let service;
let failure = null;
const details = {};

// ---- the contacts API, generated: contact i has id c<i padded>, wa_id 4917… + i, tag bench ----
const idOf = (i) => `c${String(i).padStart(9, '0')}`;
const contactOf = (i) => ({
  id: idOf(i), phoneNumberId, waId: String(4917000000000 + i), userId: null, profileName: `Person ${i}`, optedOut: false, reachable: true,
  attributes: i % 2 === 0 ? { firstName: `Ana${i}`, segment: `s${i % 97}` } : { segment: `s${i % 97}` }, tags: ['bench', `s${i % 10}`],
});
let pagesServed = 0;
const contactsServer = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.headers['x-internal-token'] !== token || url.pathname !== '/v1/contacts') return void res.writeHead(404).end();
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const cursor = url.searchParams.get('cursor');
  const from = cursor ? Number(cursor.slice(1)) + 1 : 0;
  const to = Math.min(from + limit, config.recipients);
  const data = [];
  for (let i = from; i < to; i++) data.push(contactOf(i));
  pagesServed++;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, nextCursor: data.length === limit && to < config.recipients ? idOf(to - 1) : null }));
});
await new Promise((r) => contactsServer.listen(0, '127.0.0.1', r));
const contactsUrl = `http://127.0.0.1:${contactsServer.address().port}`;

function numberEvent() {
  const b64 = (n) => randomBytes(n).toString('base64');
  return {
    phoneNumberId, tenantId, displayPhoneNumber: '15550000000', wabaId: 'bench-waba', appId: 'bench-app', businessId: 'bench-biz',
    status: 'active', mps: 1, tier: 'unlimited', graphBaseUrl: 'http://127.0.0.1:3100', graphApiVersion: 'v23.0',
    accessToken: { alg: 'aes-256-gcm', keyId: 'bench', iv: b64(12), tag: b64(16), data: b64(24) }, revision: 1, updatedAt: new Date().toISOString(),
  };
}

async function api(method, path, body) {
  const res = await fetch(`${service.url}${path}`, {
    method, headers: { 'x-internal-token': token, 'x-tenant-id': tenantId, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

/** The bare loop: keyset pages over HTTP, one multi-row INSERT per page, no keys or rules. */
async function baseline() {
  await db.query(`CREATE TABLE ${schema}.bench_baseline (recipient text, contact_id text, message_id text, parameters jsonb, status text)`);
  const t0 = Date.now();
  let cursor = null;
  let n = 0;
  for (;;) {
    const res = await fetch(`${contactsUrl}/v1/contacts?phoneNumberId=${phoneNumberId}&tag=bench&limit=${config.pageSize}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { 'x-internal-token': token } });
    const page = await res.json();
    const rows = page.data.map((c) => ({ recipient: c.waId, contact_id: c.id, message_id: `${c.id}-m`, parameters: null, status: 'pending' }));
    await db.query(
      `INSERT INTO ${schema}.bench_baseline SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(recipient text, contact_id text, message_id text, parameters jsonb, status text)`,
      [JSON.stringify(rows)],
    );
    n += rows.length;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const seconds = (Date.now() - t0) / 1000;
  return { perSec: n / seconds, seconds, n };
}

try {
  for (const base of ['wa.outbound.requested.v1', 'wa.outbound.events.v1', 'wa.number.changed.v1', `${group}.dlq.v1`]) {
    await createTopic(kafka, topic(base), config.partitions).catch(() => undefined);
  }
  const port = await freePort();
  service = await startNodeProcess({
    name: 'campaigns', entry, port,
    env: {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', INTERNAL_TOKEN: token, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema,
      TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: String(config.partitions), CAMPAIGNS_CONSUMER_GROUP: group, CONTACTS_URL: contactsUrl,
    },
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: topic('wa.number.changed.v1'), acks: -1, messages: [{ key: phoneNumberId, value: JSON.stringify(numberEvent()) }] });
  await producer.disconnect();
  for (let t = Date.now(); Date.now() - t < 60000; await sleep(100)) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${schema}.numbers`).catch(() => ({ rows: [{ n: 0 }] }));
    if (rows[0].n >= 1) break;
  }
  const created = await api('POST', '/v1/campaigns', {
    name: 'bench', phoneNumberId, audience: { tags: ['bench'] },
    template: { name: 'bench_offer', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '{{attributes.firstName|there}}' }] }] },
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  await sleep(1000); // settle: the RSS before is the idle service's
  const rssBeforeMb = readRssMb(service.pid);
  const sampler = sampleProcess(service.pid, 100);
  const t0 = Date.now();
  const started = await api('POST', `/v1/campaigns/${id}/start`);
  if (started.body.status !== 'running') throw new Error(`start answered ${JSON.stringify(started.body)}`);
  // watched in the table (the API's counts would add a 100k-row aggregate per poll to the run)
  while (Date.now() - t0 < config.timeoutSec * 1000) {
    const { rows } = await db.query(`SELECT expanded FROM ${schema}.campaigns WHERE id = $1`, [id]);
    if (rows[0]?.expanded) break;
    await sleep(50);
  }
  const seconds = (Date.now() - t0) / 1000;
  const mem = sampler.stop();
  const c = (await api('GET', `/v1/campaigns/${id}`)).body;
  if (!c?.expanded || c.counts.total !== config.recipients) throw new Error(`expanded ${c?.counts?.total}/${config.recipients} within ${config.timeoutSec} s`);
  const perSec = config.recipients / seconds;
  log(`expanded ${config.recipients} recipients in ${seconds.toFixed(1)} s = ${round(perSec, 0)}/s; RSS before ${round(rssBeforeMb, 0)} MB, peak ${round(mem.rssPeakMb, 0)} MB; ${pagesServed} pages served`);
  await api('POST', `/v1/campaigns/${id}/cancel`);
  const { rows: [sample] } = await db.query(`SELECT parameters FROM ${schema}.campaign_recipients WHERE recipient = $1`, [String(4917000000000 + 42)]);
  details.expand = { seconds: round(seconds), counts: c.counts, mem: { ...mem, rssBeforeMb }, pages: pagesServed, sampleParameters: sample?.parameters };
  const hwm = readPeakRssMb(service.pid);
  const base = await baseline();
  log(`baseline (bare page + insert loop): ${round(base.perSec, 0)}/s in ${base.seconds.toFixed(1)} s`);
  details.baseline = { seconds: round(base.seconds), rows: base.n };
  details.serviceRss = { vmHwmMb: round(hwm, 1) };
  const summary = [
    row(`recipients expanded (${config.recipients} tagged contacts, per-contact parameter)`, 'recipients/s', perSec, base.perSec, { note: 'baseline: bare keyset-page fetch + one INSERT per page, no indexes' }),
    row('service peak RSS while expanding', 'MB', mem.rssPeakMb, rssBeforeMb, { better: 'lower', note: 'baseline: RSS just before start' }),
    row('service peak RSS of the whole run (VmHWM)', 'MB', hwm, null, { better: 'lower' }),
  ];
  writeResult({ bench: 'campaigns', startedAt, finishedAt: new Date().toISOString(), machine, config, summary, details });
} catch (err) {
  failure = err;
  log(`failed: ${err.stack ?? err.message}`);
  if (service) log(`service output:\n${service.output()}`);
} finally {
  await service?.stop().catch(() => undefined);
  contactsServer.close();
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await db.end().catch(() => undefined);
  await deleteBenchTopics(kafka, suffix, [], [group]).catch(() => undefined);
}
process.exit(failure ? 1 : 0);
