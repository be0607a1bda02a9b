// Small kafkajs admin helpers for benches: create/delete bench topics, count what landed, lag.
import kafkajs from 'kafkajs';
import { probeSummary, startTimedProbe } from './load.mjs';

const { Kafka, logLevel } = kafkajs;

export const BENCH_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export function benchKafka(clientId = 'bench') {
  return new Kafka({ clientId, brokers: BENCH_BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

async function withAdmin(kafka, fn) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export function createTopic(kafka, topic, partitions) {
  return withAdmin(kafka, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true }));
}

/** Messages written to `topic` so far (sum of high watermarks; bench topics start empty). */
export function messageCount(kafka, topic) {
  return withAdmin(kafka, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  });
}

/** How many messages of `topic` the consumer group has not committed yet. */
export function groupLag(kafka, groupId, topic) {
  return withAdmin(kafka, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    let lag = 0;
    for (const p of ends) {
      const c = committed?.partitions.find((x) => x.partition === p.partition);
      const at = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
      lag += Number(p.high) - at;
    }
    return lag;
  });
}

/** Deletes every topic whose name contains `suffix` (a random bench suffix: TOPIC_SUFFIX, DLQs of random groups), and `extra`. */
export function deleteBenchTopics(kafka, suffix, extra = [], groups = []) {
  return withAdmin(kafka, async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.includes(suffix) || extra.includes(t));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 15000 });
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    return topics;
  });
}

/**
 * Latency of `count` sequential single-message acks=all produces (ms, sorted): how busy the
 * broker is right now, to read the other numbers against.
 */
export async function produceRoundTrips(kafka, topic, count = 20) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const times = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await producer.send({ topic, acks: -1, messages: [{ key: `probe-${i}`, value: 'probe' }] });
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await producer.disconnect();
  }
}

/**
 * A background probe: one acks=all single-message produce every `intervalMs` (never more than
 * one outstanding) while a phase runs. `stop()` → { p50, p99, max, count } in ms, so a slow
 * phase can be told apart from a slow broker.
 */
export async function startProduceProbe(kafka, topic, intervalMs = 200) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const probe = startTimedProbe(() => producer.send({ topic, acks: -1, messages: [{ value: 'probe' }] }).catch(() => undefined), intervalMs);
  return {
    async stop() {
      const samples = await probe.stop();
      await producer.disconnect().catch(() => undefined);
      return probeSummary(samples);
    },
  };
}
