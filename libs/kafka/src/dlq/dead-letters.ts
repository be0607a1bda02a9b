import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { HEADER, topicName } from '@wabridge/contracts';
import { headersToStrings } from '../codec';
import { ensureTopics } from '../topics/topic-admin';

/**
 * Operators' view of every consumer's DLQ (`<consumer>.dlq.v1`, `wa.outbound.dlq.v1`), ADR 0061:
 * list them with counts, read entries with their reason and source, replay entries to the topic
 * they came from. Each replay is recorded (key `<dlq topic>:<partition>:<offset>`) in the
 * compacted ledger topic `dlq-replays.v1`, so a re-run, with any filter, replays nothing twice.
 */
export const DLQ_REPLAY_LEDGER = 'dlq-replays.v1';
export const HEADER_DLQ_REPLAYED_FROM = 'dlq-replayed-from';

export interface DlqTopicSummary {
  /** Real topic name (with suffix). */
  topic: string;
  entries: number;
  replayed: number;
}

export interface DlqEntry {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  reason: string;
  sourceTopic?: string;
  sourcePartition?: number;
  sourceOffset?: string;
  consumer?: string;
  replayed: boolean;
}

export interface DlqFilter {
  reason?: string;
  sourceTopic?: string;
  partition?: number;
  /** Only entries dead-lettered at or after this time (ms since epoch). */
  since?: number;
}

export interface ReplayResult {
  replayed: DlqEntry[];
  /** Matching entries that cannot be replayed generically (no source topic header). */
  unreplayable: DlqEntry[];
  alreadyReplayed: number;
}

const isDlqName = (name: string, suffix?: string): boolean =>
  suffix ? name.endsWith(`.dlq.v1.${suffix}`) : name.endsWith('.dlq.v1');

/** Resolves `contacts.dlq.v1` (or the real name) to the real topic name. */
export function dlqTopicName(name: string, suffix?: string): string {
  return suffix && !name.endsWith(`.${suffix}`) ? topicName(name, suffix) : name;
}

export class DeadLetters {
  constructor(private readonly kafka: Kafka, private readonly suffix?: string) {}

  /** Every DLQ topic on the broker with its entry count and how many were replayed. */
  async list(): Promise<DlqTopicSummary[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const names = (await admin.listTopics()).filter((n) => isDlqName(n, this.suffix)).sort();
      const replayed = await this.replayedKeys();
      const out: DlqTopicSummary[] = [];
      for (const topic of names) {
        const offsets = await admin.fetchTopicOffsets(topic);
        const entries = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
        const done = [...replayed].filter((k) => k.startsWith(`${topic}:`)).length;
        out.push({ topic, entries, replayed: done });
      }
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  /** The entries of one DLQ (oldest first), matching `filter`. */
  async entries(dlqTopic: string, filter: DlqFilter = {}): Promise<DlqEntry[]> {
    const topic = dlqTopicName(dlqTopic, this.suffix);
    const replayed = await this.replayedKeys();
    const raw = await this.readAll(topic);
    return raw
      .map((m) => toEntry(topic, m, replayed))
      .filter((e) => matches(e, filter));
  }

  /**
   * Produces matching, not yet replayed entries (at most `max`) back to their source topic with
   * their original key, value and headers (minus the dlq-* ones, plus `dlq-replayed-from`), and
   * records each in the ledger. The consumer handles them as new deliveries (idempotent).
   */
  async replay(dlqTopic: string, options: DlqFilter & { max?: number; dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<ReplayResult> {
    const all = await this.entries(dlqTopic, options);
    const alreadyReplayed = all.filter((e) => e.replayed).length;
    const pending = all.filter((e) => !e.replayed);
    const unreplayable = pending.filter((e) => !e.sourceTopic);
    const todo = pending.filter((e) => e.sourceTopic).slice(0, options.max ?? Number.MAX_SAFE_INTEGER);
    options.onProgress?.(0, todo.length);
    if (options.dryRun || todo.length === 0) return { replayed: todo, unreplayable, alreadyReplayed };
    await ensureTopics(this.kafka, [{ topic: DLQ_REPLAY_LEDGER, version: 1, compacted: true }], { suffix: this.suffix, partitions: 1 });
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (const [i, e] of todo.entries()) {
        const headers: IHeaders = {};
        for (const [k, v] of Object.entries(e.headers)) if (!k.startsWith('dlq-')) headers[k] = v;
        headers[HEADER_DLQ_REPLAYED_FROM] = `${e.topic}:${e.partition}:${e.offset}`;
        // Source first, ledger second: a crash in between replays that one entry again on the next run.
        await producer.send({ topic: e.sourceTopic!, acks: -1, messages: [{ key: e.key, value: e.value, headers }] });
        await producer.send({
          topic: topicName(DLQ_REPLAY_LEDGER, this.suffix), acks: -1,
          messages: [{ key: ledgerKey(e), value: JSON.stringify({ replayedAt: new Date().toISOString(), to: e.sourceTopic }) }],
        });
        e.replayed = true;
        options.onProgress?.(i + 1, todo.length);
      }
    } finally {
      await producer.disconnect();
    }
    return { replayed: todo, unreplayable, alreadyReplayed };
  }

  private async replayedKeys(): Promise<Set<string>> {
    const ledger = topicName(DLQ_REPLAY_LEDGER, this.suffix);
    const admin = this.kafka.admin();
    await admin.connect();
    const exists = (await admin.listTopics()).includes(ledger);
    await admin.disconnect();
    if (!exists) return new Set();
    const keys = new Set<string>();
    for (const m of await this.readAll(ledger)) if (m.key) keys.add(m.key.toString('utf8'));
    return keys;
  }

  /** Reads a topic from the beginning up to its end at the time of the call. */
  private async readAll(topic: string): Promise<RawMessage[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
    const out: RawMessage[] = [];
    if (remaining.size === 0) return out;
    const groupId = `dlq-cli-${randomBytes(6).toString('hex')}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.run({
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined || Number(message.offset) >= end) return;
            out.push({ partition, offset: message.offset, timestamp: message.timestamp, key: message.key, value: message.value, headers: headersToStrings(message.headers) });
            if (Number(message.offset) + 1 >= end) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        }).catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await this.deleteGroup(groupId);
    }
    return out.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  }

  /** The reader's throw-away group would otherwise linger on the broker until offsets expire. */
  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

interface RawMessage {
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

function ledgerKey(e: { topic: string; partition: number; offset: string }): string {
  return `${e.topic}:${e.partition}:${e.offset}`;
}

function toEntry(topic: string, m: RawMessage, replayed: Set<string>): DlqEntry {
  const h = m.headers;
  const sourcePartition = h[HEADER.dlqSourcePartition];
  return {
    topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: h,
    reason: h[HEADER.dlqReason] ?? reasonFromBody(m.value) ?? '',
    sourceTopic: h[HEADER.dlqSourceTopic],
    sourcePartition: sourcePartition === undefined ? undefined : Number(sourcePartition),
    sourceOffset: h[HEADER.dlqSourceOffset],
    consumer: h[HEADER.dlqConsumer],
    replayed: replayed.has(ledgerKey({ topic, partition: m.partition, offset: m.offset })),
  };
}

/** `wa.outbound.dlq.v1` carries its reason in the body (OutboundDeadLetterV1), not in headers. */
function reasonFromBody(value: Buffer | null): string | undefined {
  try {
    const body = JSON.parse(value?.toString('utf8') ?? 'null') as { reason?: unknown } | null;
    return typeof body?.reason === 'string' ? body.reason : undefined;
  } catch {
    return undefined;
  }
}

function matches(e: DlqEntry, f: DlqFilter): boolean {
  if (f.reason !== undefined && !e.reason.toLowerCase().includes(f.reason.toLowerCase())) return false;
  if (f.sourceTopic !== undefined && e.sourceTopic !== f.sourceTopic && !e.sourceTopic?.startsWith(`${f.sourceTopic}.`)) return false;
  if (f.partition !== undefined && e.partition !== f.partition) return false;
  if (f.since !== undefined && Number(e.timestamp) < f.since) return false;
  return true;
}
