import { Kafka, logLevel as KafkaLogLevel, LogEntry } from 'kafkajs';
import { KafkaConnectionOptions } from './kafka.options';

/** One kafkajs client per process part; kafkajs' own logs go through a quiet JSON line logger. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 10000,
    logLevel: options.logLevel ?? KafkaLogLevel.ERROR,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      process.stderr.write(
        JSON.stringify({ level: KafkaLogLevel[entry.level]?.toLowerCase(), msg: message, ns: entry.namespace, ...rest }) + '\n',
      );
    },
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 5 },
  });
}
