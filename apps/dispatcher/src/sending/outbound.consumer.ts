import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import {
  dlqTopicFor, HEADER, OUTBOUND_REQUESTED_V1, OUTBOUND_RETRY_TIERS, OutboundRequestedV1, OutboundRetryV1, topicName, validateContract,
} from '@wabridge/contracts';
import { decodeValue, EventProducer, headersToStrings } from '@wabridge/kafka';
import { Clock } from '../common/clock';
import { OutboundProcessor, WorkItem } from './outbound.processor';

export interface OutboundConsumerOptions {
  groupId: string;
  topicSuffix?: string;
  concurrency: number;
}

/**
 * The hot path's consumer: kafkajs `eachBatch` over `wa.outbound.requested.v1` and the retry
 * tiers, one partition batch at a time and in order. It uses kafkajs directly (with
 * @wabridge/kafka's codec, producer and DLQ headers) instead of the per-message Nest transport
 * because sending needs the whole batch: one claim query, per-number concurrency and limiter
 * slots across messages (ADR 0030). Offsets are resolved only after the batch is durable.
 *
 * Retry tiers hold messages for a fixed delay, so each tier partition is FIFO by due time: when
 * its head is not due the partition is paused until it is, and nothing else waits.
 */
export class OutboundConsumer {
  private readonly log = new Logger('OutboundConsumer');
  private consumer: Consumer | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tierByTopic = new Map<string, number>();
  private readonly requestedTopic: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: EventProducer,
    private readonly processor: OutboundProcessor,
    private readonly clock: Clock,
    private readonly options: OutboundConsumerOptions,
  ) {
    this.requestedTopic = topicName(OUTBOUND_REQUESTED_V1.topic, options.topicSuffix);
    for (const t of OUTBOUND_RETRY_TIERS) this.tierByTopic.set(topicName(t.spec.topic, options.topicSuffix), t.delayMs);
  }

  get dlqTopic(): string {
    return dlqTopicFor(this.options.groupId);
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      // A crashed instance's partitions move after this long (kept short: its numbers wait meanwhile).
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 1024 * 1024,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.requestedTopic, ...this.tierByTopic.keys()], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency,
      eachBatch: (p) => this.eachBatch(p),
    });
  }

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const tierDelay = this.tierByTopic.get(batch.topic);
    const items: WorkItem[] = [];
    const offsets: string[] = [];
    let pauseUntil: number | null = null;
    for (const m of batch.messages) {
      if (!p.isRunning() || p.isStale()) return;
      const decoded = decodeValue(m.value);
      if (tierDelay === undefined) {
        const v = decoded.ok ? validateContract(OutboundRequestedV1, decoded.value) : decoded;
        if (!v.ok) await this.poison(batch.topic, batch.partition, m, v.reason);
        else items.push({ request: v.value });
      } else {
        const v = decoded.ok ? validateContract(OutboundRetryV1, decoded.value) : decoded;
        if (!v.ok) await this.poison(batch.topic, batch.partition, m, v.reason);
        else {
          // Due when the tier's delay has passed or the message's own time has come, whichever is first.
          const due = Math.min(Date.parse(v.value.notBefore), Number(m.timestamp) + tierDelay);
          if (due > this.clock.now() + 20) {
            pauseUntil = due;
            break;
          }
          items.push({ request: v.value.request, retry: v.value });
        }
      }
      offsets.push(m.offset);
    }
    await this.processor.process(items);
    for (const o of offsets) p.resolveOffset(o);
    await p.heartbeat();
    await p.commitOffsetsIfNecessary();
    if (pauseUntil !== null) this.pauseUntil(batch.topic, batch.partition, pauseUntil);
  }

  private pauseUntil(topic: string, partition: number, until: number): void {
    const consumer = this.consumer;
    if (!consumer) return;
    consumer.pause([{ topic, partitions: [partition] }]);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.consumer?.resume([{ topic, partitions: [partition] }]);
    }, Math.max(0, until - this.clock.now()));
    this.timers.add(timer);
  }

  private async poison(topic: string, partition: number, m: { key: Buffer | null; value: Buffer | null; offset: string; headers?: import('kafkajs').IHeaders }, reason: string): Promise<void> {
    this.log.error(`dead-lettering ${topic}[${partition}]@${m.offset}: ${reason}`);
    await this.producer.send({
      topic: this.dlqTopic,
      key: m.key ? m.key.toString('utf8') : null,
      value: m.value ?? Buffer.alloc(0),
      headers: {
        ...headersToStrings(m.headers),
        [HEADER.dlqReason]: reason.slice(0, 4000),
        [HEADER.dlqSourceTopic]: topic,
        [HEADER.dlqSourcePartition]: String(partition),
        [HEADER.dlqSourceOffset]: m.offset,
        [HEADER.dlqConsumer]: this.options.groupId,
      },
    });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.consumer?.disconnect().catch((err: Error) => this.log.error(`disconnect: ${err.message}`));
    this.consumer = null;
  }
}
