import type { Kafka } from 'kafkajs';
import { databaseOptionsFromEnv } from '@wabridge/database';
import { topicName } from '@wabridge/contracts';
import { createKafka, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { AnalyticsEnv } from '../analytics.env';
import { ANALYTICS_TOPICS } from '../analytics.module';
import { createAnalyticsApp } from '../app.factory';
import { openAnalyticsDatabase } from '../database/data-source';

/** Tables the fold writes; rate cards (tenant input) and numbers (compacted config) stay. */
export const ROLLUP_TABLES = ['message_facts', 'seen_keys', 'hourly_counts', 'latency_sketches', 'error_titles'] as const;

export interface RebuildOptions {
  /** Consumer group of the replay (default `<ANALYTICS_CONSUMER_GROUP>.rebuild.<time>`). */
  groupId?: string;
  /** Give up after this long (ms) without the replay catching up. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface RebuildReport {
  groupId: string;
  /** Messages the replay had to read (the topics' retained history when it started). */
  messages: number;
  ms: number;
}

/**
 * Rebuild (ADR 0120): empties the rollups and replays every topic the service reads from its
 * beginning with a fresh consumer group, until the group has committed every offset that existed
 * when it started; then it leaves (its group stays behind, empty of members). A running service
 * may keep folding meanwhile: the facts make both folds count each event once.
 */
export async function rebuildAnalytics(env: AnalyticsEnv, options: RebuildOptions = {}): Promise<RebuildReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const groupId = options.groupId ?? `${env.ANALYTICS_CONSUMER_GROUP}.rebuild.${started}`;
  const ds = await openAnalyticsDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA });
  try {
    await ds.query(`TRUNCATE ${ROLLUP_TABLES.join(', ')}`);
  } finally {
    await ds.destroy();
  }
  log(`analytics rebuild: rollups emptied; replaying with consumer group ${groupId}`);
  const kafka = createKafka(kafkaConnectionFromEnv(env, 'analytics-rebuild'));
  const topics = ANALYTICS_TOPICS.map((t) => topicName(t.topic, env.TOPIC_SUFFIX || undefined));
  const app = await createAnalyticsApp(env, { consumer: { groupId, fromBeginning: true } });
  try {
    const targets = await highWatermarks(kafka, topics);
    const messages = [...targets.values()].reduce((a, t) => a + t.size, 0);
    const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
    for (;;) {
      const behind = await lag(kafka, groupId, targets);
      if (behind === 0) break;
      if (Date.now() > deadline) throw new Error(`rebuild did not catch up in time (${behind} messages behind)`);
      log(`analytics rebuild: ${behind} messages to go`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return { groupId, messages, ms: Date.now() - started };
  } finally {
    await app.close();
  }
}

interface TopicTarget { size: number; partitions: Map<number, { low: number; high: number }> }

async function highWatermarks(kafka: Kafka, topics: string[]): Promise<Map<string, TopicTarget>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, TopicTarget>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
      out.set(topic, { size: offsets.reduce((a, o) => a + Number(o.high) - Number(o.low), 0), partitions });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Messages below the start-time high watermarks the group has not committed yet. */
async function lag(kafka: Kafka, groupId: string, targets: Map<string, TopicTarget>): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics: [...targets.keys()] });
    let behind = 0;
    for (const t of committed) {
      const target = targets.get(t.topic)!;
      for (const p of t.partitions) {
        const range = target.partitions.get(p.partition);
        if (!range) continue;
        // nothing committed yet (-1) counts from the oldest retained message; expired history needs no reading
        const at = Math.max(Number(p.offset), range.low);
        behind += Math.max(0, range.high - at);
      }
    }
    return behind;
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const { loadConfigOrExit } = await import('@wabridge/config');
  const env = loadConfigOrExit(AnalyticsEnv);
  const report = await rebuildAnalytics(env, { log: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`analytics rebuild: done, ${report.messages} messages replayed by ${report.groupId} in ${Math.round(report.ms / 1000)} s\n`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`analytics rebuild failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
