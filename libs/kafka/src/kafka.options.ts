import { logLevel } from 'kafkajs';

export interface KafkaConnectionOptions {
  clientId: string;
  brokers: string[];
  /** Appended to every topic name as `.<suffix>` (test isolation); empty in production. */
  topicSuffix?: string;
  /** Connection and request timeouts in ms (fail fast: callers map failures to 503 / retry). */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  logLevel?: logLevel;
}

export interface ProducerOptions {
  /** How long to collect messages before one send (ms). */
  lingerMs?: number;
  /** Flush as soon as this many messages are queued. */
  maxBatchMessages?: number;
  /** Reject a queued send that has not been acknowledged within this time (ms). */
  sendTimeoutMs?: number;
  /** Bound on queued, unsent messages; beyond it `send` rejects at once (back-pressure). */
  maxQueuedMessages?: number;
}

export interface ConsumerOptions {
  groupId: string;
  /** Partitions of the subscribed topics processed in parallel (order within each is kept). */
  partitionsConsumedConcurrently?: number;
  /**
   * Failures of a handler (with backoff) before the message goes to the DLQ. Failures caused by
   * an unavailable dependency (Postgres, Kafka, network) do not count: those are retried until
   * the dependency is back (ADR 0060).
   */
  maxHandlerAttempts?: number;
  handlerRetryBaseMs?: number;
  /** Cap of the backoff between retries while a dependency is unavailable (ms, default 5000). */
  dependencyRetryMaxMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  fromBeginning?: boolean;
  /** Batch handlers get at most this many messages per call. */
  maxBatchMessages?: number;
  maxBytesPerPartition?: number;
}

export function parseBrokers(list: string): string[] {
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}

/** A service's connection from its environment (`KAFKA_BROKERS`, `TOPIC_SUFFIX`; empty suffix = none). */
export function kafkaConnectionFromEnv(env: { KAFKA_BROKERS: string; TOPIC_SUFFIX?: string }, clientId: string): KafkaConnectionOptions {
  return { clientId, brokers: parseBrokers(env.KAFKA_BROKERS), topicSuffix: env.TOPIC_SUFFIX || undefined };
}
