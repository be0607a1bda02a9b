import { Kafka, logLevel as KafkaLogLevel, SASLOptions } from 'kafkajs';
import { KafkaConnectionOptions, KafkaSecurityOptions } from './kafka.options';
import { kafkaLogCreator } from './kafka-log-creator';

// kafkajs' SASLOptions is a union keyed by the mechanism literal; spelled out so each branch type-checks.
function saslFor(sasl: NonNullable<KafkaSecurityOptions['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain': return { mechanism: 'plain', username, password };
    case 'scram-sha-256': return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512': return { mechanism: 'scram-sha-512', username, password };
  }
}

/** One kafkajs client per process part; kafkajs' own logs go through our logger. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 10000,
    logLevel: options.logLevel ?? KafkaLogLevel.ERROR,
    logCreator: kafkaLogCreator,
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 5 },
    ssl: options.security?.ssl ? { ...options.security.ssl, minVersion: 'TLSv1.2' } : undefined,
    sasl: options.security?.sasl ? saslFor(options.security.sasl) : undefined,
  });
}
