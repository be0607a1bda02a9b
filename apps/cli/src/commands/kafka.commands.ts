import { randomBytes } from 'node:crypto';
import type { DlqEntry, DlqFilter } from '@wabridge/kafka';
import { durationMs, need, Options, positiveInt, sinceMs, UsageError } from '../args';
import { Context } from '../context';
import { formatTable } from '../output';
import { ProgressBar } from '../progress';

/** Kafka commands: `tail` a topic with filters, and every consumer's DLQ (ADR 0061). */

// @wabridge/kafka (kafkajs, Nest) is loaded only by these commands, so API commands start fast.
const kafkaLib = async () => {
  await import('reflect-metadata');
  return import('@wabridge/kafka');
};

export interface TailRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
}

export interface TailFilter {
  tenant?: string;
  number?: string;
  type?: string;
}

const KIND_FIELDS = ['event', 'type', 'status', 'kind'];
const field = (v: unknown, name: string): unknown => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[name] : undefined);

/**
 * Whether a decoded record passes the filters (pure). Tenant: the `tenant-id` header or the
 * value's `tenantId`; number: the value's `phoneNumberId` or a key starting with it; type: the
 * `event-type` header (the contract class) or the value's `event`, `type`, `status` or `kind`.
 */
export function matchesTail(r: TailRecord, f: TailFilter): boolean {
  if (f.tenant !== undefined && r.headers['tenant-id'] !== f.tenant && field(r.value, 'tenantId') !== f.tenant) return false;
  if (f.number !== undefined && field(r.value, 'phoneNumberId') !== f.number && !(r.key === f.number || r.key?.startsWith(`${f.number}:`))) return false;
  if (f.type !== undefined && ![r.headers['event-type'], ...KIND_FIELDS.map((k) => field(r.value, k))].includes(f.type)) return false;
  return true;
}

/** One human line of a record (pure). */
export function formatTailLine(r: TailRecord): string {
  const type = KIND_FIELDS.map((k) => field(r.value, k)).find((v) => typeof v === 'string') ?? r.headers['event-type'] ?? '';
  const at = new Date(Number(r.timestamp)).toISOString();
  const value = typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
  return `${at}  ${r.topic}[${r.partition}]@${r.offset}  ${String(type)}  key=${r.key ?? ''}  ${value.length > 400 ? `${value.slice(0, 399)}…` : value}`;
}

export async function tail(ctx: Context): Promise<void> {
  const o = ctx.inv.options;
  const base = need(ctx.inv.args[0], '<topic>', 'tail');
  const max = positiveInt(o.max, '--max');
  const forMs = o.for === undefined ? undefined : durationMs(o.for, '--for');
  const since = o.since === undefined ? undefined : sinceMs(o.since, ctx.io.now());
  if (since !== undefined && o['from-beginning']) throw new UsageError('tail: --since or --from-beginning, not both');
  const filter: TailFilter = { tenant: o.tenant, number: o.number, type: o.type };
  const { createKafka, headersToStrings } = await kafkaLib();
  const { topicName } = await import('@wabridge/contracts');
  const topic = base.endsWith(`.${ctx.settings.topicSuffix}`) || !ctx.settings.topicSuffix ? base : topicName(base, ctx.settings.topicSuffix);
  const kafka = createKafka({ clientId: 'wabridge-cli-tail', brokers: ctx.settings.brokers, security: ctx.settings.kafkaSecurity });

  const admin = kafka.admin();
  await admin.connect();
  let starts: { partition: number; offset: string }[] | undefined;
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new UsageError(`tail: no topic ${topic} on ${ctx.settings.brokers.join(',')}`);
    if (since !== undefined) starts = await admin.fetchTopicOffsetsByTimestamp(topic, since);
  } finally {
    await admin.disconnect();
  }

  // a throw-away group of its own: tails never share or move another consumer's offsets
  const groupId = `wabridge-cli-tail-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let matched = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const onStop = () => finish();
  ctx.stopped.addEventListener('abort', onStop);
  const timer = forMs === undefined ? undefined : setTimeout(finish, forMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: o['from-beginning'] === true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (max !== undefined && matched >= max) return;
        const raw = message.value?.toString('utf8') ?? null;
        let value: unknown = raw;
        try { value = raw === null ? null : JSON.parse(raw); } catch { /* shown as text */ }
        const r: TailRecord = { topic, partition, offset: message.offset, timestamp: message.timestamp, key: message.key?.toString('utf8') ?? null, headers: headersToStrings(message.headers), value };
        if (since !== undefined && Number(r.timestamp) < since) return;
        if (!matchesTail(r, filter)) return;
        matched += 1;
        ctx.out.line(r, formatTailLine(r));
        if (max !== undefined && matched >= max) finish();
      },
    });
    for (const s of starts ?? []) consumer.seek({ topic, partition: s.partition, offset: s.offset });
    ctx.out.note(`tailing ${topic} (group ${groupId})${since !== undefined ? ` since ${new Date(since).toISOString()}` : ''}; Ctrl-C ends`);
    await done;
  } finally {
    if (timer) clearTimeout(timer);
    ctx.stopped.removeEventListener('abort', onStop);
    await consumer.disconnect().catch(() => undefined);
    const a = kafka.admin();
    await a.connect().then(() => a.deleteGroups([groupId])).catch(() => undefined);
    await a.disconnect().catch(() => undefined);
  }
  ctx.out.note(`${matched} event(s)`);
}

function dlqFilter(o: Options, now: number): DlqFilter {
  const partition = o.partition === undefined ? undefined : Number(o.partition);
  if (partition !== undefined && !Number.isInteger(partition)) throw new UsageError(`--partition must be a number, got "${o.partition}"`);
  return { reason: o.reason, sourceTopic: o['source-topic'], partition, since: o.since === undefined ? undefined : sinceMs(o.since, now) };
}

const entryJson = (e: DlqEntry) => ({
  topic: e.topic, partition: e.partition, offset: e.offset, timestamp: new Date(Number(e.timestamp)).toISOString(), key: e.key?.toString('utf8') ?? null,
  reason: e.reason, sourceTopic: e.sourceTopic ?? null, sourcePartition: e.sourcePartition ?? null, sourceOffset: e.sourceOffset ?? null, consumer: e.consumer ?? null, replayed: e.replayed,
});

export async function dlq(ctx: Context): Promise<void> {
  const o = ctx.inv.options;
  const filter = dlqFilter(o, ctx.io.now());
  const { createKafka, DeadLetters, dlqTopicName } = await kafkaLib();
  const dead = new DeadLetters(createKafka({ clientId: 'wabridge-cli-dlq', brokers: ctx.settings.brokers, security: ctx.settings.kafkaSecurity }), ctx.settings.topicSuffix);
  if (ctx.inv.action === 'list') {
    const topics = await dead.list();
    ctx.out.result({ data: topics }, () => formatTable(topics, ['topic', 'entries', 'replayed']));
    return;
  }
  if (ctx.inv.action === 'show') {
    const topic = need(ctx.inv.args[0], '<dlq-topic> (see `wabridge dlq list`)', 'dlq show');
    const limit = positiveInt(o.limit, '--limit') ?? 50;
    const entries = (await dead.entries(topic, filter)).map(entryJson);
    ctx.out.result({ data: entries.slice(-limit), total: entries.length }, () => `${formatTable(entries.slice(-limit), ['partition', 'offset', 'timestamp', 'sourceTopic', 'reason', 'replayed'])}\n${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} match`);
    return;
  }
  const topicArg = ctx.inv.args[0];
  if (!o.all && !topicArg) throw new UsageError('dlq replay: a DLQ topic or --all is required');
  if (o.all && topicArg) throw new UsageError('dlq replay: a DLQ topic or --all, not both');
  const topics = o.all ? (await dead.list()).filter((t) => t.entries > t.replayed).map((t) => t.topic) : [dlqTopicName(topicArg!, ctx.settings.topicSuffix)];
  let budget = positiveInt(o.max, '--max');
  const dryRun = o['dry-run'] === true;
  const results: { topic: string; replayed: number; alreadyReplayed: number; unreplayable: number; dryRun: boolean; entries: ReturnType<typeof entryJson>[] }[] = [];
  for (const topic of topics) {
    if (budget !== undefined && budget <= 0) break;
    const bar = new ProgressBar(ctx.io.stderr, `replaying ${topic}`, 0, { json: ctx.settings.json });
    const r = await dead.replay(topic, { ...filter, max: budget, dryRun, onProgress: (doneCount: number, total: number) => bar.update(doneCount, total) });
    bar.finish();
    if (budget !== undefined) budget -= r.replayed.length;
    results.push({ topic, replayed: r.replayed.length, alreadyReplayed: r.alreadyReplayed, unreplayable: r.unreplayable.length, dryRun, entries: r.replayed.map(entryJson) });
  }
  ctx.out.result({ data: results }, () => (results.length === 0 ? 'nothing to replay' : results
    .map((r) => `${r.topic}: ${r.replayed} ${dryRun ? 'to replay [dry run]' : 'replayed'}, ${r.alreadyReplayed} replayed before, ${r.unreplayable} not replayable${r.unreplayable && r.topic.startsWith('wa.outbound.dlq.v1') ? ' (use `npm run dlq -- outbound replay …`)' : ''}`)
    .join('\n')));
}
