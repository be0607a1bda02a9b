import { Kafka, logLevel as KafkaLogLevel } from 'kafkajs';
import { KafkaConnectionOptions } from './kafka.options';
import { kafkaLogCreator } from './kafka-log-creator';

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
  });
}
