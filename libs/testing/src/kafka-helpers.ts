import { randomBytes } from 'node:crypto';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { ContractClass, TopicSpec, topicName } from '@wabridge/contracts';
import { createKafka, ensureTopics, headersToStrings, KafkaConnectionOptions } from '@wabridge/kafka';
import { waitFor } from './wait-for';

export const TEST_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** A random suffix for topics and groups so tests never see each other's messages. */
export function randomSuffix(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function testConnection(suffix: string, clientId = 'test'): KafkaConnectionOptions {
  return { clientId, brokers: TEST_BROKERS, topicSuffix: suffix };
}

export interface CollectedMessage<T = unknown> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: T;
  raw: KafkaMessage;
}

/**
 * Reads a topic (from the beginning) into memory for assertions. `stop()` when done.
 * The topic name is the base name; the suffix is added.
 */
export class TopicCollector<T = unknown> {
  readonly messages: CollectedMessage<T>[] = [];
  private consumer: Consumer | null = null;

  constructor(private readonly kafka: Kafka, private readonly topic: string, private readonly suffix: string) {}

  static async start<T = unknown>(topic: string | TopicSpec, suffix: string, kafka = createKafka(testConnection(suffix))): Promise<TopicCollector<T>> {
    const name = typeof topic === 'string' ? topic : topic.topic;
    const c = new TopicCollector<T>(kafka, name, suffix);
    await c.run();
    return c;
  }

  private async run(): Promise<void> {
    const real = topicName(this.topic, this.suffix);
    await ensureTopics(this.kafka, [], { partitions: 3, extraTopics: [real] });
    this.consumer = this.kafka.consumer({ groupId: `collector-${randomSuffix()}`, allowAutoTopicCreation: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: real, fromBeginning: true });
    let joined = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => { joined = true; });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        let value: unknown;
        try {
          value = message.value ? JSON.parse(message.value.toString('utf8')) : null;
        } catch {
          value = message.value?.toString('utf8') ?? null;
        }
        this.messages.push({
          topic, partition, offset: message.offset, raw: message,
          key: message.key?.toString('utf8') ?? null, headers: headersToStrings(message.headers), value: value as T,
        });
      },
    });
    await waitFor(() => joined, { what: `collector to join ${real}`, timeoutMs: 30000 });
  }

  values(): T[] {
    return this.messages.map((m) => m.value);
  }

  /** Waits until at least `count` messages arrived. */
  async waitForCount(count: number, timeoutMs = 20000): Promise<CollectedMessage<T>[]> {
    await waitFor(() => this.messages.length >= count, { timeoutMs, what: `${count} messages on ${this.topic} (have ${this.messages.length})` });
    return this.messages;
  }

  /** Waits `ms` more and returns everything (to prove that nothing *else* arrives). */
  async settle(ms = 1000): Promise<CollectedMessage<T>[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.messages;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}

/** Creates the given topics (with suffix) for a test. */
export async function createTestTopics(suffix: string, specs: readonly TopicSpec[], extra: string[] = []): Promise<void> {
  const kafka = createKafka(testConnection(suffix));
  await ensureTopics(kafka, specs, { suffix, partitions: 3, extraTopics: extra });
}

export type { ContractClass };
