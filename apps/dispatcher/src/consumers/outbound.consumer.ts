import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import {
  dlqTopicFor, OUTBOUND_REQUESTED_V1, OUTBOUND_RETRY_TIERS, OutboundRequestedV1, OutboundRetryV1, topicName, validateContract,
} from '@wabridge/contracts';
import { deadLetterRecord, decodeValue, EventProducer, missingTopics, missingTopicsMessage } from '@wabridge/kafka';
import { extractTraceContext } from '@wabridge/telemetry';
import { Clock } from '../common/clock';
import { WorkItem } from '../messages/work-item';
import { OutboundProcessor } from '../pipeline/outbound.processor';

/** How long a batch that failed (database or Kafka down) waits before it is read again. */
const RETRY_FAILED_BATCH_MS = 1000;

/**
 * The fetch long-poll while a partition waits to be resumed: a partition resumed after its batch
 * committed joins the next fetch round, so a short long-poll keeps that wait small (700 msg/s
 * open loop: p50 106 → 40 ms, p99 345 → 179 ms).
 */
const FETCH_WAIT_BUSY_MS = 25;
/**
 * The fetch long-poll while no partition waits: every partition is in the fetch, so the broker
 * answers as soon as one has a message and the wait costs no latency. At 25 ms the idle consumer
 * fetched its 42 partitions 40 times a second and allocated ~15 MB/s, which kept V8's young
 * generation at its maximum (~60 MB of RSS, ADR 0203). Kept well under the session timeout:
 * kafkajs heartbeats between fetches.
 */
const FETCH_WAIT_IDLE_MS = 1000;

export interface OutboundConsumerOptions {
  groupId: string;
  topicSuffix?: string;
  concurrency: number;
  /**
   * KAFKA_CREATE_TOPICS=false (ADR 0175): a missing topic does not fail the boot; it is logged
   * (readiness names it through KafkaModule's `kafka-topics`) and consuming starts once it exists.
   */
  waitForTopics?: boolean;
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
 *
 * A batch may take seconds (its sends wait for their limiter slots), and kafkajs fetches the
 * next round for *every* partition of a broker only after all batches of the last round have
 * returned. So the handler does not wait for the sends: it hands the batch to the processor,
 * pauses that partition and returns. When the batch is durable its offset is committed
 * (autoCommit is off; resolving only moves the fetch position) and the partition resumes, so
 * each partition is still processed in order, one batch at a time, while a slow number never
 * holds up the fetches of other numbers' partitions or of the retry tiers.
 */
export class OutboundConsumer {
  private readonly log = new Logger('OutboundConsumer');
  private consumer: Consumer | null = null;
  /** Pending resumes of paused partitions and when they are due. */
  private readonly timers = new Map<NodeJS.Timeout, number>();
  /** Batches handed to the processor and not yet committed, by `topic|partition`. */
  private readonly inflight = new Map<string, Promise<void>>();
  private stopping = false;
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
    // One group member per process: a second start would leave the first consumer running
    // unreferenced (its pauses would land on the other one).
    if (this.consumer) return;
    if (this.options.waitForTopics) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const missing = await missingTopics(admin, this.topics());
        if (missing.length > 0) {
          this.log.error(missingTopicsMessage(missing));
          void this.startWhenTopicsExist();
          return;
        }
      } finally {
        await admin.disconnect();
      }
    }
    await this.subscribeAndRun();
  }

  private topics(): string[] {
    return [this.requestedTopic, ...this.tierByTopic.keys()];
  }

  private async startWhenTopicsExist(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      while (!this.stopping && (await missingTopics(admin, this.topics()).catch(() => ['?'])).length > 0) {
        await new Promise((r) => setTimeout(r, 5000).unref());
      }
      await admin.disconnect();
      if (!this.stopping) await this.subscribeAndRun();
    } catch (err) {
      this.log.error(`outbound consumer could not start: ${(err as Error).message}`);
    }
  }

  private async subscribeAndRun(): Promise<void> {
    if (this.consumer) return;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      // A crashed instance's partitions move after this long (kept short: its numbers wait meanwhile).
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      // kafkajs keeps this and turns it into a number on every fetch (the request's wait and
      // its timeout, both coerced), so each fetch gets the wait of that moment; a number
      // would be fixed for the consumer's life. See fetchWaitMs.
      maxWaitTimeInMs: { valueOf: () => this.fetchWaitMs() } as unknown as number,
      maxBytesPerPartition: 1024 * 1024,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.requestedTopic, ...this.tierByTopic.keys()], fromBeginning: true });
    await consumer.run({
      // Offsets are committed by hand once a batch is durable (see the class comment).
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency,
      eachBatch: (p) => this.eachBatch(p),
    });
  }

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const key = `${batch.topic}|${batch.partition}`;
    // A paused partition's batch that was already fetched: the running one will resume it.
    if (this.stopping || this.inflight.has(key)) return;
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
        else items.push({ request: v.value, parent: extractTraceContext(m.headers), topic: batch.topic });
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
          items.push({ request: v.value.request, retry: v.value, parent: extractTraceContext(m.headers), topic: batch.topic });
        }
      }
      offsets.push(m.offset);
    }
    const partition = { topic: batch.topic, partitions: [batch.partition] };
    const consumer = this.consumer;
    if (!consumer) return;
    consumer.pause([partition]);
    if (offsets.length === 0) {
      this.resumeAt(batch.topic, batch.partition, pauseUntil ?? this.clock.now());
      return;
    }
    // Moves this consumer's fetch position past the batch; nothing is committed yet.
    for (const o of offsets) p.resolveOffset(o);
    const next = (BigInt(offsets[offsets.length - 1]!) + 1n).toString();
    const work = this.processor.process(items).then(
      async () => {
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]).catch((err: Error) => {
          // Lost the partition meanwhile (rebalance): its new owner redoes the batch from the
          // last commit, and every copy of a message after the first is skipped (versions).
          this.log.warn(`commit ${batch.topic}[${batch.partition}]@${next} failed: ${err.message}`);
        });
        this.resumeAt(batch.topic, batch.partition, pauseUntil ?? this.clock.now());
      },
      (err: Error) => {
        // Not durable: read the batch again from its first offset after a pause.
        this.log.error(`batch ${batch.topic}[${batch.partition}]@${offsets[0]} failed, retrying: ${err.message}`);
        consumer.seek({ topic: batch.topic, partition: batch.partition, offset: offsets[0]! });
        this.resumeAt(batch.topic, batch.partition, this.clock.now() + RETRY_FAILED_BATCH_MS);
      },
    ).finally(() => this.inflight.delete(key));
    this.inflight.set(key, work);
  }

  /**
   * The long-poll of the fetch kafkajs is about to send (ADR 0203). Short while a batch is in
   * flight: its partition is paused, left out of this fetch, and resumed at a moment only the
   * processor knows. Otherwise until the next timed resume (a retry tier's head coming due), at
   * most FETCH_WAIT_IDLE_MS: no partition that could have a message is left out of the fetch.
   */
  private fetchWaitMs(): number {
    if (this.inflight.size > 0) return FETCH_WAIT_BUSY_MS;
    const now = this.clock.now();
    let wait = FETCH_WAIT_IDLE_MS;
    for (const due of this.timers.values()) wait = Math.min(wait, Math.max(FETCH_WAIT_BUSY_MS, due - now));
    return Math.round(wait);
  }

  /** Resumes a paused partition at `until` (now or later), unless the consumer is stopping. */
  private resumeAt(topic: string, partition: number, until: number): void {
    const resume = (): void => {
      if (!this.stopping) this.consumer?.resume([{ topic, partitions: [partition] }]);
    };
    const wait = until - this.clock.now();
    if (wait <= 0) {
      resume();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      resume();
    }, wait);
    this.timers.set(timer, until);
  }

  private async poison(topic: string, partition: number, m: { key: Buffer | null; value: Buffer | null; offset: string; headers?: import('kafkajs').IHeaders }, reason: string): Promise<void> {
    this.log.error(`dead-lettering ${topic}[${partition}]@${m.offset}: ${reason}`);
    await this.producer.send(deadLetterRecord(this.dlqTopic, { topic, partition, groupId: this.options.groupId }, m, reason));
  }

  /** Stops taking batches, lets the ones in flight become durable and commit, then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers.keys()) clearTimeout(t);
    this.timers.clear();
    const consumer = this.consumer;
    if (consumer) consumer.pause([this.requestedTopic, ...this.tierByTopic.keys()].map((topic) => ({ topic })));
    await Promise.allSettled([...this.inflight.values()]);
    await consumer?.disconnect().catch((err: Error) => this.log.error(`disconnect: ${err.message}`));
    this.consumer = null;
  }
}
