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

/**
 * Batches of one `wa.outbound.requested.v1` partition in flight at once (ADR 0212): the next
 * batch is admitted while earlier ones wait for Graph, in offset order, and offsets are
 * committed in order. A bound on memory and on sends whose outcome a crash leaves unknown, not
 * a throughput knob: a partition is fetched again once its last batch is admitted, so batches
 * grow with the time admission takes. Retry tiers keep one (their partitions pause until the
 * head is due).
 */
export const REQUESTED_BATCHES_IN_FLIGHT = 4;

/** A partition's batches in flight: how many, their commit chain, and the admission order. */
interface PartitionWork {
  count: number;
  /** The offset after the last batch handed over. */
  next: bigint;
  /** Resolves true when every batch so far was durable and committed, false after a failure. */
  committed: Promise<boolean>;
  /** Resolves when the last batch handed over was admitted (its slots booked). */
  admitted: Promise<void>;
  /** The last batch handed over is not admitted yet (the partition is paused meanwhile). */
  admitting: boolean;
  /** First offset of the first batch that failed: read again from there once the others settled. */
  failedFrom: string | null;
}

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
 * tiers, each partition's batches in order. It uses kafkajs directly (with
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
 * pauses that partition and returns. A partition of the requested topic resumes as soon as its
 * batch is admitted (claimed, checked, slots booked in order), not when it is durable (ADR
 * 0212): its next batch is admitted while the earlier ones wait for Graph, up to
 * REQUESTED_BATCHES_IN_FLIGHT at once, each admitted after the one before it. Offsets are
 * committed (autoCommit is off; resolving only moves the fetch position) in order, a batch's
 * only once it and every batch before it are durable. A slow number never holds up the fetches
 * of other numbers' partitions or of the retry tiers, and a slow Graph answer no longer holds
 * up the next batch of its own partition.
 */
export class OutboundConsumer {
  private readonly log = new Logger('OutboundConsumer');
  private consumer: Consumer | null = null;
  /** Pending resumes of paused partitions and when they are due. */
  private readonly timers = new Map<NodeJS.Timeout, number>();
  /** Batches handed to the processor and not yet committed, by `topic|partition` (ADR 0212). */
  private readonly inflight = new Map<string, PartitionWork>();
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
    const tierDelay = this.tierByTopic.get(batch.topic);
    const running = this.inflight.get(key);
    // A paused partition's batch that was already fetched: the running ones will resume it.
    if (this.stopping || (running && (running.admitting || running.failedFrom !== null || running.count >= REQUESTED_BATCHES_IN_FLIGHT || tierDelay !== undefined))) return;
    const items: WorkItem[] = [];
    const offsets: string[] = [];
    let pauseUntil: number | null = null;
    for (const m of batch.messages) {
      if (!p.isRunning() || p.isStale()) return;
      // Already handed over with an earlier batch still in flight (a fetch never repeats them, but be sure).
      if (running && BigInt(m.offset) < running.next) continue;
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
    if (offsets.length === 0) {
      consumer.pause([partition]);
      this.resumeAt(batch.topic, batch.partition, pauseUntil ?? this.clock.now());
      return;
    }
    // A retry tier keeps one batch at a time; so does a partition that must wait for its head.
    const limit = tierDelay === undefined && pauseUntil === null ? REQUESTED_BATCHES_IN_FLIGHT : 1;
    const state: PartitionWork = running ?? { count: 0, next: 0n, committed: Promise.resolve(true), admitted: Promise.resolve(), admitting: false, failedFrom: null };
    this.inflight.set(key, state);
    state.count++;
    // Paused until this batch is admitted: what arrives meanwhile makes the next batch, so a
    // batch is as large as the time one takes to admit, whatever Graph's latency.
    consumer.pause([partition]);
    state.admitting = true;
    // Moves this consumer's fetch position past the batch; nothing is committed yet.
    for (const o of offsets) p.resolveOffset(o);
    state.next = BigInt(offsets[offsets.length - 1]!) + 1n;
    const next = state.next.toString();
    let admitted!: () => void;
    const admittedNow = new Promise<void>((r) => (admitted = r));
    void admittedNow.then(() => {
      state.admitting = false;
      this.resumeIfFree(batch.topic, batch.partition, state, limit, pauseUntil);
    });
    const work = this.processor.process(items, { after: state.admitted, admitted });
    // A batch that ended was admitted, whether or not the processor said so.
    void work.then(admitted, admitted);
    state.admitted = admittedNow;
    const previous = state.committed;
    state.committed = Promise.all([previous, work.then(() => null, (err: Error) => err)]).then(async ([earlierOk, err]) => {
      if (err) {
        // Not durable: read the batch again from its first offset once the batches after it settled.
        this.log.error(`batch ${batch.topic}[${batch.partition}]@${offsets[0]} failed, retrying: ${err.message}`);
        if (earlierOk) state.failedFrom = offsets[0]!;
        return false;
      }
      // A batch after a failed one is read again with it; never commit past a failure.
      if (!earlierOk) return false;
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]).catch((e: Error) => {
        // Lost the partition meanwhile (rebalance): its new owner redoes the batch from the
        // last commit, and every copy of a message after the first is skipped (versions).
        this.log.warn(`commit ${batch.topic}[${batch.partition}]@${next} failed: ${e.message}`);
      });
      return true;
    });
    void state.committed.then(() => this.batchDone(batch.topic, batch.partition, key, state, limit, pauseUntil));
  }

  /** A batch committed (or failed): resume its partition, or read it again after a failure. */
  private batchDone(topic: string, partition: number, key: string, state: PartitionWork, limit: number, pauseUntil: number | null): void {
    state.count--;
    if (state.failedFrom !== null) {
      this.consumer?.pause([{ topic, partitions: [partition] }]);
      if (state.count > 0) return;
      this.inflight.delete(key);
      this.consumer?.seek({ topic, partition, offset: state.failedFrom });
      this.resumeAt(topic, partition, this.clock.now() + RETRY_FAILED_BATCH_MS);
      return;
    }
    if (state.count === 0) this.inflight.delete(key);
    this.resumeIfFree(topic, partition, state, limit, pauseUntil);
  }

  /** Resumes the partition once its last batch was admitted, fewer than `limit` are in flight and none failed. */
  private resumeIfFree(topic: string, partition: number, state: PartitionWork, limit: number, pauseUntil: number | null): void {
    if (state.admitting || state.failedFrom !== null || state.count >= limit) return;
    // Called when a batch is admitted and when one is done; resuming a partition that runs is harmless.
    this.resumeAt(topic, partition, pauseUntil ?? this.clock.now());
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
    await Promise.allSettled([...this.inflight.values()].map((w) => w.committed));
    await consumer?.disconnect().catch((err: Error) => this.log.error(`disconnect: ${err.message}`));
    this.consumer = null;
  }
}
