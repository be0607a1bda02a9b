import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { Kafka, Producer } from 'kafkajs';
import { contractFor, topicName } from '@wabridge/contracts';
import { contractHeaders, encodeValue, KafkaEventMeta } from '@wabridge/kafka';

const tracer = trace.getTracer('@wabridge/ingress');

export interface TypedOutput {
  topic: string;
  key: string;
  value: unknown;
  /** Sets the `tenant-id` header when known (the other standard headers come from the topic's contract). */
  tenantId?: string;
}

/**
 * Writes a webhook's typed events and the webhook's consumer offset in ONE Kafka
 * transaction, so a crash can never leave events produced but the webhook unconsumed
 * (which would produce them again on replay). Consumers read committed data only (kafkajs
 * default). One transaction at a time per producer, so calls are serialized.
 */
export class TransactionalWriter {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(kafka: Kafka, private readonly suffix: string | undefined, transactionalIdPrefix: string) {
    this.producer = kafka.producer({
      transactionalId: `${transactionalIdPrefix}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30000,
      allowAutoTopicCreation: false,
      // Back-to-back transactions often meet CONCURRENT_TRANSACTIONS while the coordinator
      // writes the previous markers; retry quickly instead of the client's 100 ms+ backoff.
      retry: { initialRetryTime: 10, maxRetryTime: 500, retries: 12 },
    });
  }

  /** Produces `outputs` and commits `source`'s offset atomically; `beforeCommit` runs inside (e.g. a DB write). */
  write(outputs: TypedOutput[], source: KafkaEventMeta, beforeCommit: () => Promise<void> = async () => undefined): Promise<void> {
    const run = async (): Promise<void> => {
      this.connected ??= this.producer.connect().catch((err: unknown) => {
        this.connected = null;
        throw err;
      });
      await this.connected;
      const span = tracer.startSpan(`${[...new Set(outputs.map((o) => topicName(o.topic, this.suffix)))].join(',') || 'offsets'} publish`, {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'publish', 'messaging.batch.message_count': outputs.length },
      });
      const spanContext = trace.setSpan(context.active(), span);
      const tx = await this.producer.transaction();
      try {
        const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
        for (const o of outputs) {
          const contract = contractFor(o.topic);
          if (!contract) throw new Error(`no contract is registered for ${o.topic}`);
          const headers = contractHeaders(contract.spec, o.tenantId || undefined);
          propagation.inject(spanContext, headers);
          const t = topicName(o.topic, this.suffix);
          const list = byTopic.get(t) ?? [];
          list.push({ key: o.key, value: encodeValue(o.value), headers });
          byTopic.set(t, list);
        }
        if (byTopic.size > 0) {
          await tx.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
        }
        await tx.sendOffsets({
          consumerGroupId: source.groupId,
          topics: [{ topic: source.realTopic, partitions: [{ partition: source.partition, offset: (BigInt(source.offset) + 1n).toString() }] }],
        });
        await beforeCommit();
        await tx.commit();
        span.end();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        span.recordException(err as Error);
        span.setStatus({ code: 2, message: (err as Error).message });
        span.end();
        throw err;
      }
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.producer.disconnect().catch(() => undefined);
  }
}
