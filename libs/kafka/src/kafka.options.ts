import { readFileSync } from 'node:fs';
import { logLevel } from 'kafkajs';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** TLS and SASL towards the brokers (Strimzi, MSK, Confluent Cloud, Aiven); absent = PLAINTEXT. */
export interface KafkaSecurityOptions {
  /** TLS on; `ca` (PEM) replaces Node's trust store, `cert` + `key` (PEM) give mutual TLS. */
  ssl?: { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

export interface KafkaConnectionOptions {
  clientId: string;
  brokers: string[];
  /** Appended to every topic name as `.<suffix>` (test isolation); empty in production. */
  topicSuffix?: string;
  /** Connection and request timeouts in ms (fail fast: callers map failures to 503 / retry). */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  logLevel?: logLevel;
  security?: KafkaSecurityOptions;
  /**
   * Create missing topics at boot (default true). False in production (`KAFKA_CREATE_TOPICS=false`):
   * Strimzi owns the topics; a missing one is named in the boot log and fails `/health/ready`,
   * and consumers subscribe once it exists.
   */
  createTopics?: boolean;
}

export interface ProducerOptions {
  /**
   * How long to collect messages before one send (ms, default 2). 0: no timer — the messages
   * queued in one turn of the event loop are sent on the next (for callers that batch
   * themselves, e.g. the gateway's group commit, ADR 0206).
   */
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
  /**
   * Fetch: the broker answers once this many bytes are ready across the fetched partitions
   * (kafkajs default 1: every produce wakes a fetch) …
   */
  minBytes?: number;
  /** … or after this long, whichever comes first (ms; kafkajs default 5000). */
  maxWaitTimeMs?: number;
}

export function parseBrokers(list: string): string[] {
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}

/** The security variables of BaseEnv (libs/config validates them at boot). */
export interface KafkaSecurityEnv {
  KAFKA_SSL?: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_USERNAME_FILE?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SASL_PASSWORD_FILE?: string;
}

function readSecretFile(path: string, variable: string): string {
  try {
    // a mounted Secret usually ends with a newline the broker would take as part of the password
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}

/**
 * TLS and SASL from the environment, files read once here (at boot). SASL without KAFKA_SSL
 * is allowed (SASL_PLAINTEXT inside a trusted network) but PLAIN then sends the password in clear.
 */
export function kafkaSecurityFromEnv(env: KafkaSecurityEnv): KafkaSecurityOptions | undefined {
  const security: KafkaSecurityOptions = {};
  if (env.KAFKA_SSL) {
    security.ssl = {
      ca: env.KAFKA_SSL_CA_FILE ? readSecretFile(env.KAFKA_SSL_CA_FILE, 'KAFKA_SSL_CA_FILE') : undefined,
      cert: env.KAFKA_SSL_CERT_FILE ? readSecretFile(env.KAFKA_SSL_CERT_FILE, 'KAFKA_SSL_CERT_FILE') : undefined,
      key: env.KAFKA_SSL_KEY_FILE ? readSecretFile(env.KAFKA_SSL_KEY_FILE, 'KAFKA_SSL_KEY_FILE') : undefined,
    };
  }
  if (env.KAFKA_SASL_MECHANISM) {
    const username = env.KAFKA_SASL_USERNAME_FILE ? readSecretFile(env.KAFKA_SASL_USERNAME_FILE, 'KAFKA_SASL_USERNAME_FILE') : env.KAFKA_SASL_USERNAME;
    const password = env.KAFKA_SASL_PASSWORD_FILE ? readSecretFile(env.KAFKA_SASL_PASSWORD_FILE, 'KAFKA_SASL_PASSWORD_FILE') : env.KAFKA_SASL_PASSWORD;
    if (!username) throw new Error('KAFKA_SASL_USERNAME (or KAFKA_SASL_USERNAME_FILE) is required when KAFKA_SASL_MECHANISM is set');
    if (!password) throw new Error('KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) is required when KAFKA_SASL_MECHANISM is set');
    security.sasl = { mechanism: env.KAFKA_SASL_MECHANISM, username, password };
  }
  return security.ssl || security.sasl ? security : undefined;
}

/** A service's connection from its environment (`KAFKA_BROKERS`, `TOPIC_SUFFIX`; empty suffix = none; TLS/SASL). */
export function kafkaConnectionFromEnv(env: { KAFKA_BROKERS: string; TOPIC_SUFFIX?: string; KAFKA_CREATE_TOPICS?: boolean } & KafkaSecurityEnv, clientId: string): KafkaConnectionOptions {
  return {
    clientId, brokers: parseBrokers(env.KAFKA_BROKERS), topicSuffix: env.TOPIC_SUFFIX || undefined,
    security: kafkaSecurityFromEnv(env), createTopics: env.KAFKA_CREATE_TOPICS ?? true,
  };
}
