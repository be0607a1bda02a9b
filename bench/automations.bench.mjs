// `npm run bench -- automations` (issue 14, "Benchmark: inbound messages/s through rule evaluation
// with 1,000 rules"). The built conversations service (apps/conversations/dist/main.js as a child
// process) folds inbound messages and evaluates automation rules on each (ADR 0133).
//
//   rules     one number of the tenant holds BENCH_AUTOMATIONS_RULES (1000) rules, created through
//             the service's API: 60 % keyword exact, 20 % keyword contains, 15 % regex, 5 %
//             interactive ids, each replying with a text. BENCH_AUTOMATIONS_MESSAGES (5000) inbound
//             texts from as many contacts (keyed number:contact over 3 partitions): 90 % match no
//             rule (all 1000 are tried), 10 % match one (spread over the kinds), which replies:
//             the fold, the rule evaluation, the reply's cooldown/budget lookup, the firing row and
//             the published wa.outbound.requested.v1 command (which the same service then folds
//             into the history too).
//   baseline  the same service, same run, another number of the same tenant with 0 rules: the
//             same number of inbound texts (same shapes) folded with no evaluation.
// The clock runs from the first produce until the history holds every inbound message (and, for
// the rules phase, every reply is in the history). A warm-up message per phase comes first.
// Also reported: RuleSet.match alone over the same 1000 rules in this process (no I/O).
//
// Target: the rules phase at least 0.5 × the baseline's messages/s (evaluation costs no more than
// the fold itself). Self-contained: Kafka started if needed, bench database created, the app built
// when its dist/ is missing; random topic suffix and group; topics and schema removed at the end.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { deleteBenchTopics } from './lib/kafka.mjs';
import { freePort, sampleProcess, startNodeProcess } from './lib/process.mjs';
import { intEnv, machineInfo, ROOT, round, row, writeResult } from './lib/result.mjs';
import { prepareServiceBench, sleep } from './lib/service-bench.mjs';

const config = {
  rules: intEnv('BENCH_AUTOMATIONS_RULES', 1000),
  messages: intEnv('BENCH_AUTOMATIONS_MESSAGES', 5000),
  matchingShare: 0.1,
  partitions: 3,
  timeoutSec: intEnv('BENCH_AUTOMATIONS_TIMEOUT_SEC', 300),
  matchOnlyMessages: 20000,
};
const { log, entry, databaseUrl, startedAt, machine, suffix, schema, group, tenantId, token, kafka } =
  await prepareServiceBench({ name: 'automations', app: 'conversations' });
const INBOUND = 'wa.inbound.message.v1';
const NUMBER_WITH_RULES = '920000000001';
const NUMBER_WITHOUT = '920000000002';
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
let service;
let failure = null;
const details = {};

/** The rules: kind by index, each replying with a text. */
function ruleBody(i) {
  const reply = [{ type: 'reply', message: { type: 'text', text: { body: `answer ${i}` } } }];
  const share = i / config.rules;
  let trigger;
  if (share < 0.6) trigger = { type: 'keyword', keywords: [`kwx${i}`, `kwx${i} please`], match: 'exact' };
  else if (share < 0.8) trigger = { type: 'keyword', keywords: [`kwc${i}`], match: 'contains' };
  else if (share < 0.95) trigger = { type: 'regex', pattern: `ticket[- ]?${i}[- ]\\d+`, caseInsensitive: true };
  else trigger = { type: 'interactive', ids: [`btn${i}`] };
  return { phoneNumberId: NUMBER_WITH_RULES, name: `rule ${i}`, position: i, trigger, actions: reply };
}

/** What the user of message `i` writes: a text matching rule `(i * 7919) % rules` for 10 % of them, else nothing any rule knows. */
function textOf(i) {
  if ((i * 37) % 100 < config.matchingShare * 100) {
    const r = (i * 7919) % config.rules;
    const share = r / config.rules;
    if (share < 0.6) return { type: 'text', text: { body: `KWX${r}!` } };
    if (share < 0.8) return { type: 'text', text: { body: `hello, about kwc${r} again` } };
    if (share < 0.95) return { type: 'text', text: { body: `my Ticket-${r}-4711 is late` } };
    return { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: `btn${r}`, title: 'yes' } } };
  }
  return { type: 'text', text: { body: `hello there, how are you doing today? order ${i} arrived` } };
}

function inbound(tag, phoneNumberId, i) {
  const waId = `49151${String(10000000 + i)}`;
  const wamid = `wamid.${tag}.${i}`;
  const now = new Date();
  const raw = { from: waId, id: wamid, timestamp: String(Math.floor(now.getTime() / 1000)), ...textOf(i) };
  return {
    key: `${phoneNumberId}:${waId}`,
    value: JSON.stringify({
      wamid, type: raw.type, phoneNumberId, wabaId: 'bench-waba', appId: 'bench-app', tenantId, waId, profileName: 'Bench',
      occurredAt: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(), receivedAt: now.toISOString(), raw,
    }),
  };
}

async function produce(messages) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic: `${INBOUND}.${suffix}`, messages: messages.slice(i, i + 1000) }] });
  }
  await producer.disconnect();
}

async function waitUntil(what, check) {
  const t0 = Date.now();
  while (Date.now() - t0 < config.timeoutSec * 1000) {
    if ((await check().catch(() => false)) === true) return;
    await sleep(100);
  }
  throw new Error(`${what}: not done within ${config.timeoutSec} s`);
}

/** Inbound and outbound rows of a number's conversations. */
async function folded(phoneNumberId) {
  const { rows } = await db.query(
    `SELECT m.direction, count(*)::int AS n FROM "${schema}".messages m JOIN "${schema}".conversations c ON c.id = m.conversation_id
     WHERE c.tenant_id = $1 AND c.phone_number_id = $2 AND m.type IS NOT NULL GROUP BY m.direction`,
    [tenantId, phoneNumberId],
  );
  return { inbound: rows.find((r) => r.direction === 'inbound')?.n ?? 0, outbound: rows.find((r) => r.direction === 'outbound')?.n ?? 0 };
}

/** One phase: warm-up folded, then the clock around produce + fold (+ replies folded). */
async function timedRun(label, phoneNumberId, expectedReplies) {
  await produce([inbound(`${suffix}-${label}-warm`, phoneNumberId, 10_000_000 - 1)]);
  await waitUntil(`${label} warm-up`, async () => (await folded(phoneNumberId)).inbound === 1);
  const messages = Array.from({ length: config.messages }, (_, i) => inbound(`${suffix}-${label}`, phoneNumberId, i));
  const t0 = Date.now();
  await produce(messages);
  const producedSec = (Date.now() - t0) / 1000;
  await waitUntil(`${label} fold`, async () => {
    const f = await folded(phoneNumberId);
    return f.inbound === config.messages + 1 && f.outbound >= expectedReplies;
  });
  const seconds = (Date.now() - t0) / 1000;
  const f = await folded(phoneNumberId);
  log(`${label}: ${config.messages} inbound in ${seconds.toFixed(2)} s (produced in ${producedSec.toFixed(2)} s) = ${round(config.messages / seconds, 0)} msg/s, ${f.outbound} replies`);
  return { messages: config.messages, seconds: round(seconds, 3), producedSec: round(producedSec, 3), messagesPerSec: config.messages / seconds, replies: f.outbound };
}

async function createRules(url) {
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < config.rules) {
      const i = next++;
      const res = await fetch(`${url}/v1/automations/rules`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-internal-token': token, 'x-tenant-id': tenantId }, body: JSON.stringify(ruleBody(i)),
      });
      if (res.status !== 201) throw new Error(`rule ${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return (Date.now() - t0) / 1000;
}

/** RuleSet.match alone (the compiled dist), the same 1000 rules, in this process. */
function matchOnly(rulesAsStored) {
  const require = createRequire(import.meta.url);
  const { RuleSet } = require(join(ROOT, 'apps', 'conversations', 'dist', 'automations', 'rule-matcher.js'));
  const { inboundFacts } = require(join(ROOT, 'apps', 'conversations', 'dist', 'automations', 'inbound-text.js'));
  const set = new RuleSet(rulesAsStored);
  const inputs = Array.from({ length: 1000 }, (_, i) => {
    const raw = textOf(i);
    return { type: raw.type, facts: inboundFacts({ type: raw.type, raw }), firstInbound: false, now: Date.now() };
  });
  let fired = 0;
  for (let i = 0; i < 2000; i++) fired += set.match(inputs[i % 1000]).length; // warm-up
  fired = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < config.matchOnlyMessages; i++) fired += set.match(inputs[i % 1000]).length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { messages: config.matchOnlyMessages, seconds: round(seconds, 3), messagesPerSec: config.matchOnlyMessages / seconds, fired };
}

try {
  const port = await freePort();
  const t0 = Date.now();
  service = await startNodeProcess({
    name: 'conversations', entry, port, readyPath: '/health/ready', timeoutMs: 90000,
    env: {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', INTERNAL_TOKEN: token, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema,
      TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: String(config.partitions), CONVERSATIONS_CONSUMER_GROUP: group, AUTOMATIONS_RULE_CACHE_MS: '600000',
    },
  });
  log(`service ready after ${Date.now() - t0} ms`);
  const url = `http://127.0.0.1:${port}`;
  details.ruleCreationSec = round(await createRules(url), 2);
  log(`${config.rules} rules created in ${details.ruleCreationSec} s`);

  const sampler = sampleProcess(service.pid, 200);
  const baseRun = await timedRun('no-rules', NUMBER_WITHOUT, 0);
  const baseMem = sampler.stop();
  const expectedReplies = Array.from({ length: config.messages }, (_, i) => i).filter((i) => (i * 37) % 100 < config.matchingShare * 100).length;
  const sampler2 = sampleProcess(service.pid, 200);
  const rulesRun = await timedRun('rules', NUMBER_WITH_RULES, expectedReplies);
  const rulesMem = sampler2.stop();
  const stored = (await (await fetch(`${url}/v1/automations/rules?phoneNumberId=${NUMBER_WITH_RULES}`, { headers: { 'x-internal-token': token, 'x-tenant-id': tenantId } })).json()).data;
  const match = matchOnly(stored);
  log(`RuleSet.match alone: ${round(match.messagesPerSec, 0)} msg/s over ${stored.length} rules`);
  details.baseline = { ...baseRun, mem: baseMem };
  details.rules = { ...rulesRun, expectedReplies, mem: rulesMem };
  details.matchOnly = match;
  details.loadAvgAtEnd = machineInfo().loadAvg;
  if (rulesRun.replies !== expectedReplies) throw new Error(`expected ${expectedReplies} replies, the history has ${rulesRun.replies}`);

  const summary = [
    row(`inbound messages folded with ${config.rules} rules evaluated (10 % replying)`, 'msg/s', rulesRun.messagesPerSec, baseRun.messagesPerSec, {
      target: '>= 0.5x', note: 'baseline: the same service, same run, a number with 0 rules',
    }),
    row(`RuleSet.match alone over ${stored.length} rules (no I/O)`, 'msg/s', match.messagesPerSec, null),
    row('service CPU during the rules phase', 'cpu s', rulesMem.cpuSeconds ?? null, baseMem.cpuSeconds ?? null, { better: 'lower' }),
    row('service peak RSS during the rules phase', 'MB', rulesMem.rssPeakMb, baseMem.rssPeakMb, { better: 'lower' }),
  ];
  writeResult({ bench: 'automations', startedAt, finishedAt: new Date().toISOString(), machine, config, summary, details });
} catch (err) {
  failure = err;
  log(`failed: ${err.stack ?? err.message}`);
  if (service) log(`service output:\n${service.output()}`);
} finally {
  await service?.stop().catch(() => undefined);
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await db.end().catch(() => undefined);
  await deleteBenchTopics(kafka, suffix, [], [group]).catch(() => undefined);
}
process.exit(failure ? 1 : 0);
