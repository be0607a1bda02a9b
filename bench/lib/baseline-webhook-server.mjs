// The naive baseline the ingress is measured against (issue 3, "Benchmark"): raw node:http +
// kafkajs, no framework. Per request it does what ingress does on the hot path — HMAC-SHA256
// check over the raw bytes, JSON parse, the same envelope (base64 body) — and ONE acks=all
// produce per request (no batching), answering 200 only after Kafka acknowledged.
//
// Run as its own process: PORT, KAFKA_BROKERS, BASELINE_TOPIC (must exist), META_APP_ID,
// META_APP_SECRET. GET /health/live answers 200 once the producer is connected.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, CompressionTypes } = kafkajs;
const env = process.env;
const port = Number(env.PORT ?? 0);
const topic = env.BASELINE_TOPIC;
const appId = env.META_APP_ID ?? 'local';
const secret = env.META_APP_SECRET;
if (!topic || !secret) {
  process.stderr.write('baseline: BASELINE_TOPIC and META_APP_SECRET are required\n');
  process.exit(2);
}
const BODY_LIMIT = 3 * 1024 * 1024;
const webhookPath = `/webhooks/meta/${encodeURIComponent(appId)}`;

const kafka = new Kafka({ clientId: 'bench-baseline', brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 } });
let ready = false;

function verify(raw, header) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = createHmac('sha256', secret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let seq = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health/live') return reply(res, ready ? 200 : 503, { ready });
  if (req.method !== 'POST' || req.url !== webhookPath) return reply(res, 404, { error: 'not found' });
  const chunks = [];
  let size = 0;
  let tooBig = false;
  req.on('data', (c) => {
    size += c.length;
    if (size > BODY_LIMIT) tooBig = true;
    else chunks.push(c);
  });
  req.on('end', () => {
    if (tooBig) return reply(res, 413, { error: 'too large' });
    const raw = Buffer.concat(chunks);
    const signature = req.headers['x-hub-signature-256'];
    if (!verify(raw, signature)) return reply(res, 401, { error: 'bad signature' });
    let payload;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'not json' });
    }
    const key = payload?.entry?.[0]?.changes?.[0]?.value?.metadata?.phone_number_id ?? payload?.entry?.[0]?.id ?? appId;
    const value = JSON.stringify({
      appId,
      receivedAt: new Date().toISOString(),
      rawBody: raw.toString('base64'),
      signature,
      requestId: `b-${++seq}`,
    });
    producer
      .send({
        topic,
        acks: -1,
        timeout: 5000,
        compression: CompressionTypes.None,
        messages: [{ key: String(key), value, headers: { 'event-type': 'WebhookReceived', 'schema-version': '1' } }],
      })
      .then(() => reply(res, 200, { received: true }), () => reply(res, 503, { error: 'kafka unavailable' }));
  });
});
server.keepAliveTimeout = 75000;

async function shutdown() {
  server.close();
  await producer.disconnect().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

server.listen(port, '127.0.0.1', () => {
  producer.connect().then(
    () => {
      ready = true;
    },
    (err) => {
      process.stderr.write(`baseline: kafka connect failed: ${err.message}\n`);
      process.exit(1);
    },
  );
});
