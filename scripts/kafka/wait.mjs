// Waits until a Kafka broker answers an admin metadata call. Exit 0 when it does, 1 on timeout.
import { Kafka, logLevel } from 'kafkajs';

const args = process.argv.slice(2);
const timeoutIdx = args.indexOf('--timeout');
const timeoutMs = timeoutIdx >= 0 ? Number(args[timeoutIdx + 1]) : 60000;
const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`).split(',');
const deadline = Date.now() + timeoutMs;

const kafka = new Kafka({ clientId: 'wabridge-wait', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
while (Date.now() < deadline) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    await admin.disconnect();
    process.exit(0);
  } catch {
    await admin.disconnect().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
  }
}
process.exit(1);
