import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { CompressionTypes, Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { HEADER, topicName } from '@wabridge/contracts';
import { encodeValue } from '../codec';
import { ProducerOptions } from '../kafka.options';

export interface OutgoingEvent {
  /** Base topic name (suffix is added by the producer). */
  topic: string;
  key: string | null;
  value: unknown;
  headers?: Record<string, string>;
  /** Stamps `event-type`/`schema-version` headers. */
  eventType?: string;
  schemaVersion?: number;
}

interface Pending {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/** Thrown when Kafka could not durably accept a message in time; HTTP edges answer 503. */
export class KafkaUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'KafkaUnavailableError';
  }
}

const tracer = trace.getTracer('@wabridge/kafka');

/**
 * acks=all producer with micro-batching: concurrent `send` calls are collected for up to
 * `lingerMs` (or `maxBatchMessages`; with `lingerMs` 0, those made in the same turn of the
 * event loop) and written with one produce request; each caller's
 * promise resolves only once its own message was acknowledged by all in-sync replicas.
 * At most one batch is in flight, so per-key order is kept and batches grow under load.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly sendTimeoutMs: number;
  private readonly maxQueued: number;
  private queue: Pending[] = [];
  private inFlight: Promise<void> | null = null;
  /** The pending flush: a timer (`lingerMs` > 0) or the next turn of the event loop (0). */
  private lingerTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private connected = false;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(
    kafka: Kafka,
    private readonly suffix: string | undefined,
    options: ProducerOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatch = options.maxBatchMessages ?? 500;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 5000;
    this.maxQueued = options.maxQueuedMessages ?? 20000;
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      // Retries are short: an HTTP caller is waiting; its own client (or Meta) retries.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    if (!this.connecting) {
      this.connecting = this.producer
        .connect()
        .then(() => {
          this.connected = true;
        })
        .finally(() => {
          this.connecting = null;
        });
    }
    await this.connecting;
  }

  /** Sends one event durably (acks=all). Rejects with KafkaUnavailableError on timeout/failure. */
  send(event: OutgoingEvent): Promise<void> {
    return this.sendMany([event]).then(() => undefined);
  }

  /** Sends several events; resolves when all are acknowledged. */
  sendMany(events: OutgoingEvent[]): Promise<void[]> {
    return Promise.all(events.map((e) => this.enqueue(e)));
  }

  private enqueue(event: OutgoingEvent): Promise<void> {
    if (this.closed) return Promise.reject(new KafkaUnavailableError('producer is closed'));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new KafkaUnavailableError(`producer queue full (${this.maxQueued} messages)`));
    }
    const topic = topicName(event.topic, this.suffix);
    return tracer.startActiveSpan(`${topic} publish`, { kind: SpanKind.PRODUCER, attributes: {
      'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'publish',
      ...(event.key ? { 'messaging.kafka.message.key': event.key } : {}),
    } }, (span) => {
      const headers: Record<string, string> = { ...(event.headers ?? {}) };
      if (event.eventType) headers[HEADER.eventType] = event.eventType;
      if (event.schemaVersion !== undefined) headers[HEADER.schemaVersion] = String(event.schemaVersion);
      propagation.inject(context.active(), headers);
      const message: Message = { key: event.key, value: encodeValue(event.value), headers };
      const promise = new Promise<void>((resolve, reject) => {
        const pending: Pending = {
          topic, message, resolve, reject, settled: false,
          timer: setTimeout(() => {
            this.settle(pending, new KafkaUnavailableError(`Kafka did not acknowledge within ${this.sendTimeoutMs} ms`));
          }, this.sendTimeoutMs),
        };
        this.queue.push(pending);
        this.schedule();
      });
      return promise.then(
        () => { span.end(); },
        (err: Error) => { span.recordException(err); span.setStatus({ code: 2, message: err.message }); span.end(); throw err; },
      );
    });
  }

  private settle(p: Pending, err?: Error): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve();
  }

  private schedule(): void {
    if (this.inFlight) return; // the in-flight batch's completion drains the queue
    if (this.queue.length >= this.maxBatch) {
      this.flush();
      return;
    }
    if (!this.lingerTimer) {
      const flush = (): void => {
        this.lingerTimer = null;
        this.flush();
      };
      // 0: no timer (setTimeout(0) is still ~1 ms): what was queued in this turn goes out on the next.
      this.lingerTimer = this.lingerMs > 0 ? setTimeout(flush, this.lingerMs) : setImmediate(flush);
    }
  }

  private flush(): void {
    if (this.lingerTimer) {
      if (this.lingerMs > 0) clearTimeout(this.lingerTimer as NodeJS.Timeout);
      else clearImmediate(this.lingerTimer as NodeJS.Immediate);
      this.lingerTimer = null;
    }
    // Messages whose caller already gave up (timed out) are not sent: the caller answered 503.
    const batch = this.queue.splice(0, this.maxBatch).filter((p) => !p.settled);
    if (batch.length === 0) return;
    this.inFlight = this.write(batch).finally(() => {
      this.inFlight = null;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic) ?? [];
      list.push(p.message);
      byTopic.set(p.topic, list);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    try {
      await this.connect();
      await this.producer.sendBatch({ topicMessages, acks: -1, timeout: this.sendTimeoutMs, compression: CompressionTypes.None });
      for (const p of batch) this.settle(p);
    } catch (err) {
      const error = new KafkaUnavailableError(`Kafka produce failed: ${(err as Error).message}`, err);
      for (const p of batch) this.settle(p, error);
    }
  }

  /** Waits for queued messages to be written, then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + this.sendTimeoutMs;
    while ((this.queue.length > 0 || this.inFlight) && Date.now() < deadline) {
      if (!this.inFlight) this.flush();
      await (this.inFlight ?? new Promise((r) => setTimeout(r, 5)));
    }
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new KafkaUnavailableError('producer closed'));
    await this.producer.disconnect().catch(() => undefined);
  }
}
