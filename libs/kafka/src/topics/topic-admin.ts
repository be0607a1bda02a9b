import { Admin, Kafka, ITopicConfig } from 'kafkajs';
import { TopicSpec, topicName } from '@wabridge/contracts';

export interface EnsureTopicsOptions {
  suffix?: string;
  partitions: number;
  replicationFactor?: number;
  /** Extra plain topic names (e.g. DLQs) created with the same settings. */
  extraTopics?: string[];
}

const CREATE_TIMEOUT_MS = 60000;

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
    // Several services boot at once and create the same topics: a create can fail because
    // another one won, or report "This server does not host this topic-partition" while the
    // metadata of topics just created spreads. Only what is still missing is created again,
    // until it exists (bounded); a service that exited here failed its whole boot.
    let missing = wanted;
    const deadline = Date.now() + CREATE_TIMEOUT_MS;
    while (missing.length > 0) {
      try {
        await admin.createTopics({ topics: missing, waitForLeaders: true, timeout: 15000 });
        break;
      } catch (err) {
        const now = new Set(await admin.listTopics().catch(() => [] as string[]));
        missing = missing.filter((t) => !now.has(t.topic));
        if (missing.length === 0) break;
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await waitForLeaders(admin, [
      ...specs.map((sp) => topicName(sp.topic, options.suffix)),
      ...(options.extraTopics ?? []).map((t) => topicName(t, options.suffix)),
    ]);
    return wanted.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * A topic another process just created may not have partition leaders yet; a consumer that
 * subscribes before that fails with UNKNOWN_TOPIC_OR_PARTITION. Waits (bounded) until all do.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30000): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics without partition leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the given (full) topic names exist with leaders. */
export async function awaitTopicsReady(kafka: Kafka, topics: string[], timeoutMs = 30000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitForLeaders(admin, topics, timeoutMs);
  } finally {
    await admin.disconnect();
  }
}

/** Which of the given (full) topic names the cluster does not have. */
export async function missingTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  return [...new Set(topics)].filter((t) => !existing.has(t));
}

/** The message boot logs and readiness give when topics are missing and may not be created. */
export function missingTopicsMessage(missing: readonly string[]): string {
  return `${missing.length} Kafka topic(s) missing and KAFKA_CREATE_TOPICS=false (create them with the KafkaTopic resources in deploy/): ${missing.join(', ')}`;
}
