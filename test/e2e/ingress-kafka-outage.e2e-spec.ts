import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { freshTestSchema } from '@wabridge/database';
import { createKafka } from '@wabridge/kafka';
import { freePort, postSignedWebhook, randomSuffix, REPO_ROOT, ServiceProcess, TopicCollector, uniqueFixture, waitFor } from '@wabridge/testing';

// This test stops a broker, so it gets its own (same scripts as `npm start`, other ports and
// data dir) and never disturbs the shared one other tests use.
const PORT = 9192;
const brokerEnv = {
  ...process.env,
  KAFKA_BROKERS: `127.0.0.1:${PORT}`, KAFKA_PORT: String(PORT), KAFKA_CONTROLLER_PORT: String(PORT + 1), KAFKA_SASL_SSL_PORT: String(PORT + 2),
  KAFKA_HOME_DIR: join(REPO_ROOT, '.local', 'kafka-outage-test'), KAFKA_HEAP: '512m',
};
const broker = (action: 'start' | 'stop'): void => {
  const res = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'kafka', `${action}.sh`)], { env: brokerEnv, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`kafka ${action} failed: ${res.stdout}${res.stderr}`);
};
const SECRET = 'outage-secret-123';

describe('ingress when Kafka goes away (dedicated real broker)', () => {
  beforeAll(() => broker('start'), 120000);
  afterAll(() => broker('stop'), 60000);

  it('answers 503 while the broker is down, then accepts the same webhook and normalizes it once', async () => {
    const suffix = randomSuffix('out');
    const schema = await freshTestSchema('ingress');
    const ingress = new ServiceProcess('ingress', await freePort(), {
      KAFKA_BROKERS: brokerEnv.KAFKA_BROKERS, TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '1', DATABASE_URL: schema.url,
      DATABASE_SCHEMA: schema.schema, META_APP_ID: 'out-app', META_APP_SECRET: SECRET, META_VERIFY_TOKEN: 'out-verify',
      NORMALIZER_GROUP_ID: `norm-${suffix}`, PRODUCE_TIMEOUT_MS: '2000',
    });
    await ingress.start();
    const url = `${ingress.url}/webhooks/meta/out-app`;
    const kafka = createKafka({ clientId: 'outage-test', brokers: [brokerEnv.KAFKA_BROKERS], topicSuffix: suffix });
    let inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, suffix, kafka);
    try {
      const before = uniqueFixture('message-text--pywa-1.json', `${suffix}-a`);
      expect((await postSignedWebhook(url, before.raw, SECRET)).status).toBe(200);
      await inbound.waitForCount(1, 30000);
      await inbound.stop();

      broker('stop');
      const during = uniqueFixture('message-text--pywa-1.json', `${suffix}-b`);
      const down = await postSignedWebhook(url, during.raw, SECRET);
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body)).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });

      broker('start');
      // Meta retries the same body; ingress accepts it once Kafka is back.
      const retried = await waitFor(async () => {
        const r = await postSignedWebhook(url, during.raw, SECRET);
        return r.status === 200 ? r : undefined;
      }, { timeoutMs: 60000, intervalMs: 1000, what: 'ingress to accept again' });
      expect(retried.status).toBe(200);
      inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, suffix, kafka);
      await waitFor(() => inbound.values().some((m) => m.wamid === during.messageIds[0]), { timeoutMs: 60000, what: 'the retried webhook normalized' });
      await inbound.settle(2000);
      const ids = inbound.values().map((m) => m.wamid);
      expect(ids.filter((id) => id === during.messageIds[0])).toHaveLength(1);
      expect(ids.filter((id) => id === before.messageIds[0])).toHaveLength(1);
    } finally {
      await inbound.stop();
      await ingress.stop();
      await schema.drop();
    }
  }, 240000);
});
