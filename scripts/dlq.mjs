// `npm run dlq -- …`: every consumer's dead-letter queue (ADR 0061). The generic part lives in
// @wabridge/kafka (DeadLetters); `outbound …` hands over to the dispatcher's own tool for
// wa.outbound.dlq.v1, whose replay goes through the dispatcher's message rows.
//
//   npm run dlq -- list                                   every <consumer>.dlq.v1 with counts
//   npm run dlq -- show <dlq-topic> [filters] [--limit N]  entries: reason, source topic/partition/offset
//   npm run dlq -- replay <dlq-topic>|--all [filters] [--max N] [--dry-run]
//   npm run dlq -- outbound list|replay …                 wa.outbound.dlq.v1 via the dispatcher (docs/dispatcher.md)
//   filters: --reason <text> --source-topic <topic> --partition <n> --since <ISO time>
// Env: KAFKA_BROKERS, TOPIC_SUFFIX (as the services).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);

if (argv[0] === 'outbound') {
  const r = spawnSync(process.execPath, [join(root, 'apps/dispatcher/dist/cli/dlq.js'), ...argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { BaseEnv, loadConfigOrExit } = require('@wabridge/config');
const { createKafka, DeadLetters, parseBrokers } = require('@wabridge/kafka');

const USAGE = `usage: dlq list
       dlq show <dlq-topic> [--reason T] [--source-topic T] [--partition N] [--since ISO] [--limit N]
       dlq replay (<dlq-topic> | --all) [--reason T] [--source-topic T] [--partition N] [--since ISO] [--max N] [--dry-run]
       dlq outbound list|replay …   (wa.outbound.dlq.v1 through the dispatcher)
`;

function parse(args) {
  const o = { command: args[0] ?? 'help', topic: undefined, all: false, filter: {}, limit: 50, max: undefined, dryRun: false };
  for (let i = 1; i < args.length; i++) {
    const k = args[i];
    const next = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--all') o.all = true;
    else if (k === '--reason') o.filter.reason = next();
    else if (k === '--source-topic') o.filter.sourceTopic = next();
    else if (k === '--partition') o.filter.partition = Number(next());
    else if (k === '--since') {
      o.filter.since = Date.parse(next());
      if (Number.isNaN(o.filter.since)) throw new Error('--since needs an ISO time');
    } else if (k === '--limit') o.limit = Number(next());
    else if (k === '--max') o.max = Number(next());
    else if (k === '--dry-run') o.dryRun = true;
    else if (!k.startsWith('--') && o.topic === undefined) o.topic = k;
    else throw new Error(`unknown argument ${k}`);
  }
  return o;
}

const print = (line) => process.stdout.write(`${line}\n`);
const describe = (e) =>
  `${e.topic}[${e.partition}]@${e.offset}  ${new Date(Number(e.timestamp)).toISOString()}  ` +
  `from ${e.sourceTopic ?? '?'}[${e.sourcePartition ?? '?'}]@${e.sourceOffset ?? '?'}  key=${e.key?.toString('utf8') ?? ''}` +
  `${e.replayed ? '  (replayed)' : ''}\n    ${e.reason}`;

async function main() {
  const o = parse(argv);
  if (!['list', 'show', 'replay'].includes(o.command)) {
    process.stdout.write(USAGE);
    return o.command === 'help' ? 0 : 1;
  }
  const env = loadConfigOrExit(BaseEnv);
  const kafka = createKafka({ clientId: 'dlq-cli', brokers: parseBrokers(env.KAFKA_BROKERS) });
  const dlq = new DeadLetters(kafka, env.TOPIC_SUFFIX || undefined);
  if (o.command === 'list') {
    const topics = await dlq.list();
    for (const t of topics) print(`${t.topic.padEnd(48)} ${String(t.entries).padStart(7)} entries  ${String(t.replayed).padStart(7)} replayed`);
    print(`${topics.length} DLQ topic(s)`);
    return 0;
  }
  if (o.command === 'show') {
    if (!o.topic) throw new Error('show needs a DLQ topic (see `dlq list`)');
    const entries = await dlq.entries(o.topic, o.filter);
    for (const e of entries.slice(-o.limit)) print(describe(e));
    print(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} match`);
    return 0;
  }
  const topics = o.all ? (await dlq.list()).filter((t) => t.entries > t.replayed).map((t) => t.topic) : [o.topic];
  if (!o.all && !o.topic) throw new Error('replay needs a DLQ topic or --all');
  if (topics.length === 0) print('nothing to replay');
  let total = 0;
  for (const topic of topics) {
    const max = o.max === undefined ? undefined : o.max - total;
    if (max !== undefined && max <= 0) break;
    const r = await dlq.replay(topic, { ...o.filter, max, dryRun: o.dryRun });
    for (const e of r.replayed) print(`${o.dryRun ? 'would replay' : 'replayed'} ${e.topic}[${e.partition}]@${e.offset} → ${e.sourceTopic}`);
    for (const e of r.unreplayable) print(`cannot replay ${e.topic}[${e.partition}]@${e.offset}: no source topic header${e.topic.startsWith('wa.outbound.dlq.v1') ? ' (use `npm run dlq -- outbound replay …`)' : ''}`);
    print(`${topic}: ${r.replayed.length} ${o.dryRun ? 'to replay [dry run]' : 'replayed'}, ${r.alreadyReplayed} replayed before, ${r.unreplayable.length} not replayable`);
    total += r.replayed.length;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`dlq: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
