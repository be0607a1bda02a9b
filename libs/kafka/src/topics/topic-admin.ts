import { Kafka, ITopicConfig } from 'kafkajs';
import { TopicSpec, topicName } from '@wabridge/contracts';

export interface EnsureTopicsOptions {
  suffix?: string;
  partitions: number;
  replicationFactor?: number;
  /** Extra plain topic names (e.g. DLQs) created with the same settings. */
  extraTopics?: string[];
}

/**
 * Creates every topic the service uses (never relying on broker auto-create). Existing topics
 * are left alone; compacted specs get `cleanup.policy=compact`.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], options: EnsureTopicsOptions): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted: ITopicConfig[] = [];
    const seen = new Set<string>();
    const add = (name: string, compacted: boolean): void => {
      if (existing.has(name) || seen.has(name)) return;
      seen.add(name);
      wanted.push({
        topic: name,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor ?? 1,
        configEntries: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      });
    };
    for (const spec of specs) add(topicName(spec.topic, options.suffix), spec.compacted === true);
    for (const extra of options.extraTopics ?? []) add(topicName(extra, options.suffix), false);
    if (wanted.length > 0) {
      try {
        await admin.createTopics({ topics: wanted, waitForLeaders: true, timeout: 15000 });
      } catch (err) {
        // Another instance may have created them concurrently; only re-throw if still missing.
        const now = new Set(await admin.listTopics());
        if (wanted.some((t) => !now.has(t.topic))) throw err;
      }
    }
    return wanted.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
