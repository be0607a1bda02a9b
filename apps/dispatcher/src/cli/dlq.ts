/**
 * Operators' tool for `wa.outbound.dlq.v1` (messages that exhausted their retries).
 *
 *   npm run dlq -- outbound list [--limit 50]
 *   npm run dlq -- outbound replay --id <messageId> [--id …]      replay some
 *   npm run dlq -- outbound replay --all [--since <ISO time>]       replay everything (since a time)
 *   add --dry-run to see what would be replayed
 *
 * Replay puts the message back in the dispatcher's hands: its row goes from `failed` to
 * `scheduled` (attempts reset, version bumped) and a retry envelope with that version goes to
 * the shortest retry tier, so the normal path (compliance, limits, effectively-once) applies.
 * A message that is no longer `failed` (already replayed, or settled by a late status) is skipped.
 * Env as the service: KAFKA_BROKERS, TOPIC_SUFFIX, DATABASE_URL, DATABASE_SCHEMA.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadConfigOrExit } from '@wabridge/config';
import { OUTBOUND_DLQ_V1, OUTBOUND_RETRY_V1, OutboundDeadLetterV1, OutboundRetryV1, topicName, validateContract } from '@wabridge/contracts';
import { createServiceDataSource } from '@wabridge/database';
import { contractEvent, createKafka, EventProducer, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { DispatcherEnv } from '../dispatcher.env';

interface Args {
  command: string;
  ids: string[];
  all: boolean;
  since?: number;
  limit: number;
  dryRun: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { command: argv[0] ?? 'help', ids: [], all: false, limit: 50, dryRun: false };
  for (let i = 1; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--id') a.ids.push(argv[++i] ?? '');
    else if (k === '--all') a.all = true;
    else if (k === '--since') a.since = Date.parse(argv[++i] ?? '');
    else if (k === '--limit') a.limit = Number(argv[++i] ?? 50);
    else if (k === '--dry-run') a.dryRun = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

/** Reads the DLQ from the beginning up to its current end. */
async function readDlq(env: DispatcherEnv): Promise<OutboundDeadLetterV1[]> {
  const kafka = createKafka(kafkaConnectionFromEnv(env, 'dispatcher-dlq-cli'));
  const topic = topicName(OUTBOUND_DLQ_V1.topic, env.TOPIC_SUFFIX || undefined);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  const out: OutboundDeadLetterV1[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `dlq-cli-${randomBytes(4).toString('hex')}`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        const v = validateContract(OutboundDeadLetterV1, JSON.parse(message.value?.toString('utf8') ?? 'null'));
        if (v.ok) out.push(v.value);
        if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
        if (remaining.size === 0) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = loadConfigOrExit(DispatcherEnv);
  if (args.command === 'list') {
    const entries = await readDlq(env);
    for (const e of entries.slice(-args.limit)) {
      process.stdout.write(`${e.deadLetteredAt}  ${e.request.id}  ${e.request.phoneNumberId} → ${e.request.to ?? e.request.recipient}  attempts=${e.attempts}  ${e.reason}${e.error ? ` [${e.error.class} ${e.error.code ?? ''} ${e.error.message}]` : ''}\n`);
    }
    process.stdout.write(`${entries.length} dead-lettered message(s)\n`);
    return;
  }
  if (args.command !== 'replay') {
    process.stdout.write('usage: dlq outbound list [--limit N] | dlq outbound replay (--id <id>… | --all [--since ISO]) [--dry-run]\n');
    process.exitCode = args.command === 'help' ? 0 : 1;
    return;
  }
  if (!args.all && args.ids.length === 0) throw new Error('replay needs --id <messageId> or --all');
  const wanted = new Set(args.ids);
  const entries = (await readDlq(env)).filter((e) =>
    (args.all || wanted.has(e.request.id)) && (args.since === undefined || Date.parse(e.deadLetteredAt) >= args.since));
  const latest = new Map(entries.map((e) => [e.request.id, e])); // one replay per message
  const ds = createServiceDataSource({ url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, poolSize: 2, startupOptions: env.DATABASE_STARTUP_OPTIONS });
  await ds.initialize();
  const kafka = createKafka(kafkaConnectionFromEnv(env, 'dispatcher-dlq-cli'));
  const producer = new EventProducer(kafka, env.TOPIC_SUFFIX || undefined);
  await producer.connect();
  let replayed = 0;
  let skipped = 0;
  try {
    for (const e of latest.values()) {
      if (args.dryRun) {
        process.stdout.write(`would replay ${e.request.id}\n`);
        continue;
      }
      const [rows] = (await ds.query(
        `UPDATE messages SET status = 'scheduled', attempts = 0, version = version + 1, updated_at = now()
         WHERE id = $1 AND tenant_id = $2 AND status = 'failed' RETURNING version`,
        [e.request.id, e.request.tenantId],
      )) as [{ version: number }[], number];
      const version = rows[0]?.version;
      if (version === undefined) {
        skipped++;
        continue;
      }
      const now = new Date().toISOString();
      const retry: OutboundRetryV1 = Object.assign(new OutboundRetryV1(), {
        request: e.request, version, attempts: 0, notBefore: now, reason: 'resume', scheduledAt: now,
      });
      await producer.send(contractEvent(OUTBOUND_RETRY_V1, e.request.phoneNumberId, retry, { tenantId: e.request.tenantId }));
      replayed++;
    }
  } finally {
    await producer.close();
    await ds.destroy();
  }
  process.stdout.write(`replayed ${replayed}, skipped ${skipped} (no longer failed)${args.dryRun ? ' [dry run]' : ''}\n`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    process.stderr.write(`dlq: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
