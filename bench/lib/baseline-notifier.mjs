// The naive notifier (baseline of `npm run bench -- notifier`): a bare kafkajs consumer that,
// for each `wa.inbound.message.v1` event, builds the `message.received` body, signs it
// (Standard Webhooks, HMAC-SHA256 over "<id>.<timestamp>.<body>", like apps/notifier) and POSTs
// it to one URL, waiting for the answer before the next message of that partition. No database,
// no retries, no ordering beyond Kafka's, no SSRF check, no validation beyond JSON.parse.
// Partitions are consumed concurrently (PARTITIONS), so that many POSTs are in flight.
// env: PORT (GET /health/live answers 200 once the consumer has joined its group), KAFKA_BROKERS,
// BASELINE_TOPIC, BASELINE_GROUP, RECEIVER_URL, WEBHOOK_SECRET (whsec_…), PARTITIONS.
import { createServer } from 'node:http';
import http from 'node:http';
import { createHash, createHmac, createSecretKey } from 'node:crypto';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const target = new URL(process.env.RECEIVER_URL);
// a KeyObject made once, as the notifier keeps its signing keys (ADR 0098): HMAC with raw key bytes
// costs ~30 µs more per signature in Node 24, which would make the baseline look slower than it is
const key = createSecretKey(Buffer.from(process.env.WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(id, body) {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
        headers: {
          'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)),
          'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode >= 200 && res.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let joined = false;
const health = createServer((req, res) => res.writeHead(joined ? 200 : 503).end());
health.listen(Number(process.env.PORT), '127.0.0.1');

const kafka = new Kafka({ clientId: 'baseline-notifier', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: process.env.BASELINE_GROUP });
consumer.on(consumer.events.GROUP_JOIN, () => {
  joined = true;
});
await consumer.connect();
await consumer.subscribe({ topic: process.env.BASELINE_TOPIC, fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: Number(process.env.PARTITIONS ?? 6),
  eachMessage: async ({ message }) => {
    const e = JSON.parse(message.value.toString('utf8'));
    const id = `evt_${createHash('sha256').update(`wa.inbound.message.v1\u0000${e.wamid}`).digest('base64url').slice(0, 32)}`;
    const body = JSON.stringify({
      type: 'message.received',
      timestamp: new Date(e.occurredAt).toISOString(),
      data: {
        tenantId: e.tenantId, phoneNumberId: e.phoneNumberId, wabaId: e.wabaId, wamid: e.wamid,
        from: { waId: e.waId, profileName: e.profileName }, message: { type: e.type, [e.type]: e.raw?.[e.type] },
      },
    });
    await post(id, body);
  },
});

// SIGTERM ends the process through exit(), so that a `--cpu-prof` run writes its profile
process.on('SIGTERM', () => process.exit(0));
