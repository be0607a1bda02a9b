import { type Context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { contractFor, dlqTopicFor, topicName, validateContract } from '@wabridge/contracts';
import { decodeValue, headersToStrings } from '../codec';
import { deadLetterRecord } from '../dlq/dead-letter-record';
import { ConsumerOptions, KafkaConnectionOptions } from '../kafka.options';
import { createKafka } from '../kafka-client';
import { awaitTopicsReady, missingTopics, missingTopicsMessage } from '../topics/topic-admin';

/** How often a consumer that may not create topics looks again for the missing ones. */
const TOPIC_RECHECK_MS = 5000;
import { EventProducer } from '../producer/event-producer';
import { KafkaBatchItem, KafkaEventContext, KafkaEventMeta } from './kafka-event.context';
import { counter, extractTraceContext, gauge, logFieldsOf, runWithLogContext, withSpan } from '@wabridge/telemetry';
import { classifyConsumerFailure, ConsumerFailureKind } from './failure-kind';

const TRACER = '@wabridge/kafka';

const dependencyRetries = counter(
  'kafka_consumer_dependency_retries_total',
  'Handler attempts that failed because a dependency (Postgres, Kafka, network) was unavailable; retried without limit, never dead-lettered.',
  ['group', 'topic'],
);
const waitingPartitions = gauge(
  'kafka_consumer_waiting_partitions',
  'Partitions whose next message waits for an unavailable dependency.',
  ['group'],
);
const deadLettered = counter('kafka_consumer_dead_lettered_total', 'Messages written to the consumer\'s DLQ, by failure kind.', ['group', 'topic', 'kind']);

/** Outcome of a handler failure: try again after a pause, or give up and dead-letter. */
type RetryDecision = { retry: true; infrastructure: boolean } | { retry: false; kind: ConsumerFailureKind };

export interface KafkaBatchServerOptions {
  connection: KafkaConnectionOptions;
  consumer: ConsumerOptions;
  /**
   * Only these base topics are consumed by this server (a service with several consumer
   * groups, e.g. a shared work group plus a per-instance config reader, runs one server
   * each). Default: every `@EventPattern` topic of the app.
   */
  topics?: string[];
  /** Called for every message sent to the DLQ (metrics, logs). */
  onDeadLetter?: (info: { topic: string; reason: string }) => void;
  /** The app's own failure rules, asked before the built-in ones (ADR 0060). */
  classifyError?: (err: unknown) => ConsumerFailureKind | undefined;
  /**
   * Messages this consumer has no use for, judged from the headers alone: passed over (offset
   * committed) without decoding, validation, a span or the handler — for a topic where most
   * messages are the app's own (the gateway's commands on wa.outbound.requested.v1, ADR 0196).
   */
  skip?: (baseTopic: string, headers: Record<string, string>) => boolean;
}

/** A partition whose current message waits for a dependency (`/health/ready` reports it). */
interface DependencyWait {
  since: number;
  reason: string;
}

/**
 * Nest custom transport: handlers use `@EventPattern(TOPIC.topic)` and receive the payload
 * already validated against the topic's contract class. Consumption is `eachBatch` with
 * manual offset resolution: an offset is committed only after its handler succeeded or the
 * message was written to `<groupId>.dlq.v1`. A failing handler is retried in place (the
 * partition waits, in order; others go on). What happens next depends on the failure
 * (ADR 0060): an unavailable dependency is retried without limit and never dead-lettered
 * (readiness false meanwhile); malformed and poison messages go to the DLQ at once;
 * other failures after `maxHandlerAttempts`. Nothing is dropped silently.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger(KafkaBatchServer.name);
  private readonly kafka: Kafka;
  private consumer: Consumer | null = null;
  private dlqProducer: EventProducer | null = null;
  private stopping = false;
  /** `<topic>[<partition>]` → since when and why its current message waits for a dependency. */
  private readonly waits = new Map<string, DependencyWait>();
  /** Handler per topic, looked up once: Nest's lookup JSON.parses the pattern and throws for every plain topic name. */
  private readonly handlers = new Map<string, MessageHandler | null>();

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
    this.kafka = createKafka(options.connection);
  }

  get dlqTopic(): string {
    return dlqTopicFor(this.options.consumer.groupId);
  }

  /**
   * Readiness: rejects while any partition waits for an unavailable dependency (register it in
   * the app's HealthRegistry; `attachKafkaConsumer` does).
   */
  readonly readinessCheck = async (): Promise<void> => {
    if (this.missing.length > 0) throw new Error(missingTopicsMessage(this.missing));
    if (this.waits.size === 0) return;
    const [first] = [...this.waits.values()].sort((a, b) => a.since - b.since);
    throw new Error(
      `${this.waits.size} partition(s) waiting for a dependency since ${new Date(first!.since).toISOString()}: ${first!.reason}`,
    );
  };

  on(): void {
    // kafkajs events are observed internally; nothing to expose.
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async start(): Promise<void> {
    const topics = this.options.topics ?? [...this.messageHandlers.keys()];
    for (const topic of topics) {
      if (!this.messageHandlers.has(topic)) throw new Error(`no @EventPattern handler for subscribed topic ${topic}`);
    }
    for (const topic of topics) {
      if (!contractFor(topic)) throw new Error(`@EventPattern('${topic}') has no contract class in @wabridge/contracts`);
    }
    if (topics.length === 0) return;
    const c = this.options.consumer;
    this.dlqProducer = new EventProducer(this.kafka, this.options.connection.topicSuffix);
    await this.dlqProducer.connect();
    this.consumer = this.kafka.consumer({
      groupId: c.groupId,
      sessionTimeout: c.sessionTimeoutMs ?? 30000,
      heartbeatInterval: c.heartbeatIntervalMs ?? 3000,
      maxBytesPerPartition: c.maxBytesPerPartition ?? 4 * 1024 * 1024,
      ...(c.minBytes !== undefined ? { minBytes: c.minBytes } : {}),
      ...(c.maxWaitTimeMs !== undefined ? { maxWaitTimeInMs: c.maxWaitTimeMs } : {}),
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    await this.consumer.connect();
    const suffix = this.options.connection.topicSuffix;
    if (this.options.connection.createTopics === false) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        this.missing = await missingTopics(admin, topics.map((t) => topicName(t, suffix)));
      } finally {
        await admin.disconnect();
      }
      if (this.missing.length > 0) {
        // Boot goes on (health answers, readiness names the topics); consuming starts once they exist.
        this.log.error(missingTopicsMessage(this.missing));
        void this.subscribeWhenTopicsExist(topics);
        return;
      }
    }
    await this.subscribeAndRun(topics);
  }

  /** Topics (full names) this consumer needs that the cluster lacks; only when it may not create them. */
  private missing: string[] = [];

  private async subscribeWhenTopicsExist(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      while (!this.stopping && this.missing.length > 0) {
        await new Promise((r) => setTimeout(r, TOPIC_RECHECK_MS).unref());
        this.missing = await missingTopics(admin, this.missing).catch(() => this.missing);
      }
      await admin.disconnect();
      if (!this.stopping) await this.subscribeAndRun(topics);
    } catch (err) {
      this.log.error(`consumer ${this.options.consumer.groupId} could not start: ${describe(err)}`);
      this.missing = [`(consumer failed to start: ${describe(err)})`];
    }
  }

  private async subscribeAndRun(topics: string[]): Promise<void> {
    const c = this.options.consumer;
    const suffix = this.options.connection.topicSuffix;
    if (!this.consumer) return;
    await awaitTopicsReady(this.kafka, topics.map((t) => topicName(t, suffix)));
    for (const topic of topics) {
      await this.consumer.subscribe({ topic: topicName(topic, suffix), fromBeginning: c.fromBeginning ?? true });
    }
    const byRealTopic = new Map(topics.map((t) => [topicName(t, suffix), t]));
    await this.consumer.run({
      // autoCommit commits *resolved* offsets only; with eachBatchAutoResolve off an offset is
      // resolved after its message reached a durable outcome, so at-least-once holds.
      autoCommit: true,
      autoCommitInterval: 500,
      autoCommitThreshold: 100,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: c.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.eachBatch(payload, byRealTopic),
    });
  }

  /** The @EventPattern handler of `topic` (handlers are all registered before the consumer runs). */
  private handlerFor(topic: string): MessageHandler | null {
    let handler = this.handlers.get(topic);
    if (handler === undefined) {
      handler = this.getHandlerByPattern(topic);
      this.handlers.set(topic, handler);
    }
    return handler;
  }

  private async eachBatch(payload: EachBatchPayload, byRealTopic: Map<string, string>): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const baseTopic = byRealTopic.get(batch.topic) ?? batch.topic;
    const handler = this.handlerFor(baseTopic);
    if (handler && (handler.extras as { batch?: boolean } | undefined)?.batch) {
      await this.eachBatchWhole(payload, baseTopic, handler);
      await commitOffsetsIfNecessary();
      return;
    }
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const done = await this.process(baseTopic, batch.topic, batch.partition, message, heartbeat, isRunning, isStale);
      if (!done) break; // shutting down mid-retry: leave the offset uncommitted
      resolveOffset(message.offset);
      await heartbeat();
    }
    // Commits only resolved offsets (every 500 ms / 100 messages, and on shutdown/rebalance).
    await commitOffsetsIfNecessary();
  }

  /** Returns true when the message reached a durable outcome (handled or dead-lettered). */
  private async process(
    baseTopic: string,
    realTopic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
    isStale: () => boolean,
  ): Promise<boolean> {
    if (this.options.skip?.(baseTopic, headersToStrings(message.headers))) return true;
    const handler = this.handlerFor(baseTopic);
    const checked = this.decode(baseTopic, message);
    if (!checked.ok || !handler) {
      await this.deadLetter(realTopic, partition, message, checked.ok ? `no handler for ${baseTopic}` : checked.reason);
      return true;
    }
    const failures = { bounded: 0 };
    for (let attempt = 1; ; attempt++) {
      const meta = this.meta(baseTopic, realTopic, partition, message, attempt);
      try {
        await this.heartbeating(heartbeat, () => this.invoke(handler, checked.payload, new KafkaEventContext(meta), extractTraceContext(meta.headers), realTopic, partition, message.offset));
        this.endWait(realTopic, partition);
        return true;
      } catch (err) {
        const decision = this.decide(err, failures);
        const reason = describe(err);
        if (!decision.retry) {
          this.endWait(realTopic, partition);
          await this.deadLetter(realTopic, partition, message, `handler failed after ${attempt} attempt(s) (${decision.kind}): ${reason}`, decision.kind);
          return true;
        }
        if (!(await this.pauseBeforeRetry(decision, attempt, failures.bounded, realTopic, partition, reason, { heartbeat, isRunning, isStale }))) return false;
      }
    }
  }

  /**
   * Infrastructure failures are retried without limit (they do not count against
   * `maxHandlerAttempts`); poison goes to the DLQ at once; anything else after
   * `maxHandlerAttempts` failures.
   */
  private decide(err: unknown, failures: { bounded: number }): RetryDecision {
    const kind = classifyConsumerFailure(err, this.options.classifyError);
    if (kind === 'infrastructure') return { retry: true, infrastructure: true };
    if (kind === 'poison') return { retry: false, kind };
    failures.bounded++;
    const maxAttempts = this.options.consumer.maxHandlerAttempts ?? 8;
    return failures.bounded >= maxAttempts ? { retry: false, kind } : { retry: true, infrastructure: false };
  }

  /** Logs, records the wait (readiness, metrics) and sleeps before the next attempt; false if the batch must be left. */
  private async pauseBeforeRetry(
    decision: { infrastructure: boolean },
    attempt: number,
    boundedFailures: number,
    realTopic: string,
    partition: number,
    reason: string,
    hooks: BatchHooks,
  ): Promise<boolean> {
    if (decision.infrastructure) {
      this.startWait(realTopic, partition, reason);
      dependencyRetries.inc({ group: this.options.consumer.groupId, topic: realTopic });
      // One line when the wait starts, then one every 10 attempts (≈ once a minute at the cap).
      if (attempt === 1 || attempt % 10 === 0) {
        this.log.warn(`${realTopic}[${partition}] waits for a dependency (attempt ${attempt}, retrying until it is back): ${reason}`);
      }
      const cap = this.options.consumer.dependencyRetryMaxMs ?? 5000;
      return this.backoff(attempt, cap, hooks);
    }
    const maxAttempts = this.options.consumer.maxHandlerAttempts ?? 8;
    this.log.warn(`handler for ${realTopic} failed (failure ${boundedFailures}/${maxAttempts}), retrying: ${reason}`);
    return this.backoff(boundedFailures, 10000, hooks);
  }

  /**
   * Waits before retry `attempt` (exponential from `handlerRetryBaseMs`, ≤ `capMs`) while
   * heartbeating, so the group keeps the member however long a dependency is down. False when
   * the batch must be left: the consumer stops, or the group rebalances (the heartbeat fails or
   * the batch went stale) — the message is not resolved, so it is fetched again, in order, by
   * whoever owns the partition next.
   */
  private async backoff(attempt: number, capMs: number, hooks: BatchHooks): Promise<boolean> {
    const baseDelay = this.options.consumer.handlerRetryBaseMs ?? 200;
    const until = Date.now() + Math.min(baseDelay * 2 ** Math.min(attempt - 1, 20), capMs);
    while (Date.now() < until) {
      if (!hooks.isRunning() || this.stopping || hooks.isStale()) return false;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(250, until - Date.now()))));
      try {
        await hooks.heartbeat();
      } catch (err) {
        if (isRebalance(err)) {
          this.log.warn(`leaving a waiting batch for a rebalance: ${describe(err)}`);
          return false;
        }
        // Broker unreachable: keep waiting, kafkajs reconnects on the next heartbeat or fetch.
      }
    }
    return true;
  }

  private startWait(realTopic: string, partition: number, reason: string): void {
    const key = `${realTopic}[${partition}]`;
    const existing = this.waits.get(key);
    if (existing) {
      existing.reason = reason;
      return;
    }
    this.waits.set(key, { since: Date.now(), reason });
    waitingPartitions.set({ group: this.options.consumer.groupId }, this.waits.size);
  }

  private endWait(realTopic: string, partition: number): void {
    const key = `${realTopic}[${partition}]`;
    const wait = this.waits.get(key);
    if (!wait) return;
    this.waits.delete(key);
    waitingPartitions.set({ group: this.options.consumer.groupId }, this.waits.size);
    this.log.log(`${key} resumed after waiting ${Math.round((Date.now() - wait.since) / 1000)} s for a dependency`);
  }

  private async invoke(
    handler: MessageHandler,
    payload: unknown,
    ctx: KafkaEventContext,
    parent: Context,
    realTopic: string,
    partition: number,
    offset: string,
  ): Promise<void> {
    await withSpan(`${realTopic} process`, {
      kind: SpanKind.CONSUMER, parent, tracerName: TRACER,
      attributes: {
        'messaging.system': 'kafka', 'messaging.destination.name': realTopic,
        'messaging.operation.type': 'process', 'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': offset, 'messaging.consumer.group.name': this.options.consumer.groupId,
      },
    }, () => runWithLogContext(logFieldsOf(payload), async () => {
      // log lines of the handler carry the event's tenant and message id (ADR 0179)
      const result = await handler(payload, ctx);
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    }));
  }

  /**
   * Batch mode (`@EventPattern(topic, { batch: true })`): the handler gets up to
   * `maxBatchMessages` validated items at once — `(items: KafkaBatchItem[], ctx)` — so it can
   * write them in one transaction. Invalid messages are dead-lettered first. A failing batch is
   * retried with backoff; then (or at once for PoisonMessageError) its items are handed over one
   * by one so a single poison message goes to the DLQ and the rest succeed.
   */
  private async eachBatchWhole(payload: EachBatchPayload, baseTopic: string, handler: MessageHandler): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const size = this.options.consumer.maxBatchMessages ?? 200;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + size);
      const items: KafkaBatchItem[] = [];
      for (const message of chunk) {
        if (this.options.skip?.(baseTopic, headersToStrings(message.headers))) continue;
        const checked = this.decode(baseTopic, message);
        if (checked.ok) items.push({ payload: checked.payload, meta: this.meta(baseTopic, batch.topic, batch.partition, message, 1), message });
        else await this.deadLetter(batch.topic, batch.partition, message, checked.reason);
      }
      if (items.length > 0) {
        const done = await this.invokeBatchWithRetries(handler, items, batch.topic, { heartbeat, isRunning, isStale });
        if (!done) return;
      }
      for (const message of chunk) resolveOffset(message.offset);
      await heartbeat();
    }
  }

  private async invokeBatchWithRetries(handler: MessageHandler, items: KafkaBatchItem[], realTopic: string, hooks: BatchHooks): Promise<boolean> {
    const partition = items[0]!.meta.partition;
    const failures = { bounded: 0 };
    for (let attempt = 1; ; attempt++) {
      for (const item of items) item.meta.attempt = attempt;
      try {
        await this.heartbeating(hooks.heartbeat, () => this.invokeBatch(handler, items, realTopic));
        this.endWait(realTopic, partition);
        return true;
      } catch (err) {
        const decision = this.decide(err, failures);
        const reason = describe(err);
        if (!decision.retry && items.length > 1) {
          // Which item is to blame is unknown: hand them over one by one, so only it is dead-lettered.
          this.log.warn(`batch handler for ${realTopic} failed (${decision.kind}: ${reason}); isolating ${items.length} messages`);
          for (const item of items) {
            const ok = await this.invokeBatchWithRetries(handler, [item], realTopic, hooks);
            if (!ok) return false;
          }
          return true;
        }
        if (!decision.retry) {
          const only = items[0]!;
          this.endWait(realTopic, partition);
          await this.deadLetter(realTopic, only.meta.partition, only.message, `handler failed after ${attempt} attempt(s) (${decision.kind}): ${reason}`, decision.kind);
          return true;
        }
        if (!(await this.pauseBeforeRetry(decision, attempt, failures.bounded, realTopic, partition, reason, hooks))) return false;
      }
    }
  }

  /**
   * Runs a handler while heartbeating in the background (kafkajs heartbeats only when asked), so
   * a handler slower than the session timeout (a large media download, a slow dependency) keeps
   * the group membership instead of being evicted mid-work. A failing heartbeat (a rebalance) is
   * left to the loop, which heartbeats again when the handler is done and leaves the batch then.
   */
  private async heartbeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void heartbeat().catch(() => undefined), this.options.consumer.heartbeatIntervalMs ?? 3000);
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async invokeBatch(handler: MessageHandler, items: KafkaBatchItem[], realTopic: string): Promise<void> {
    const parents = items.map((i) => extractTraceContext(i.meta.headers));
    const links = parents.slice(1).map((c) => trace.getSpanContext(c)).filter((sc) => sc !== undefined).map((sc) => ({ context: sc }));
    const parent = parents[0] ?? ROOT_CONTEXT;
    const last = items[items.length - 1]!;
    await withSpan(`${realTopic} process`, {
      kind: SpanKind.CONSUMER, links, parent, tracerName: TRACER,
      attributes: {
        'messaging.system': 'kafka', 'messaging.destination.name': realTopic, 'messaging.operation.type': 'process',
        'messaging.batch.message_count': items.length, 'messaging.consumer.group.name': this.options.consumer.groupId,
        'messaging.destination.partition.id': String(last.meta.partition),
      },
    }, () => runWithLogContext(items.length === 1 ? logFieldsOf(items[0]!.payload) : {}, async () => {
      const result = await handler(items, new KafkaEventContext(last.meta));
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    }));
  }

  private decode(baseTopic: string, message: KafkaMessage): { ok: true; payload: unknown } | { ok: false; reason: string } {
    const decoded = decodeValue(message.value);
    if (!decoded.ok) return { ok: false, reason: decoded.reason };
    const contract = contractFor(baseTopic);
    if (!contract) return { ok: true, payload: decoded.value };
    const v = validateContract(contract.cls, decoded.value);
    return v.ok ? { ok: true, payload: v.value } : { ok: false, reason: `contract violation (${baseTopic}): ${v.reason}` };
  }

  private meta(baseTopic: string, realTopic: string, partition: number, message: KafkaMessage, attempt: number): KafkaEventMeta {
    return {
      topic: baseTopic, partition, offset: message.offset, timestamp: message.timestamp,
      key: message.key ? message.key.toString('utf8') : null, headers: headersToStrings(message.headers), attempt,
      realTopic, groupId: this.options.consumer.groupId,
    };
  }

  private async deadLetter(realTopic: string, partition: number, message: KafkaMessage, reason: string, kind: ConsumerFailureKind | 'malformed' = 'malformed'): Promise<void> {
    this.log.error(`dead-lettering ${realTopic}[${partition}]@${message.offset}: ${reason}`);
    const record = deadLetterRecord(this.dlqTopic, { topic: realTopic, partition, groupId: this.options.consumer.groupId }, message, reason);
    // Retry until the DLQ write succeeds: the offset must not advance past an unrecorded message.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dlqProducer!.send(record);
        deadLettered.inc({ group: this.options.consumer.groupId, topic: realTopic, kind });
        this.options.onDeadLetter?.({ topic: realTopic, reason });
        return;
      } catch (err) {
        if (this.stopping) throw err;
        this.log.error(`DLQ write failed (attempt ${attempt}): ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5000)));
      }
    }
  }

  /** Graceful: kafkajs finishes the running batch, we commit resolved offsets, then leave the group. */
  async close(): Promise<void> {
    this.stopping = true;
    this.waits.clear();
    waitingPartitions.set({ group: this.options.consumer.groupId }, 0);
    if (this.consumer) {
      await this.consumer.disconnect().catch((err: Error) => this.log.error(`consumer disconnect: ${err.message}`));
      this.consumer = null;
    }
    if (this.dlqProducer) {
      await this.dlqProducer.close();
      this.dlqProducer = null;
    }
  }
}

interface BatchHooks {
  heartbeat: () => Promise<void>;
  isRunning: () => boolean;
  isStale: () => boolean;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** kafkajs' heartbeat fails with these when the group is rebalancing or forgot this member. */
const REBALANCE_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

function isRebalance(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' && REBALANCE_TYPES.has(type);
}
