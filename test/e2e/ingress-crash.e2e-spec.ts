import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { freshTestSchema } from '@wabridge/database';
import { freePort, postSignedWebhook, randomSuffix, ServiceProcess, TEST_BROKERS, TopicCollector, uniqueFixture, waitFor } from '@wabridge/testing';

const SECRET = 'crash-secret-123456';

describe('ingress killed with SIGKILL under load (real process, real Kafka + Postgres)', () => {
  it('keeps every webhook that got 200 and normalizes each exactly once after restart', async () => {
    const suffix = randomSuffix('kill');
    const schema = await freshTestSchema('ingress');
    const port = await freePort();
    const env = {
      KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '3',
      DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema,
      META_APP_ID: 'crash-app', META_APP_SECRET: SECRET, META_VERIFY_TOKEN: 'crash-verify', NORMALIZER_GROUP_ID: `norm-${suffix}`,
    };
    const ingress = new ServiceProcess('ingress', port, env);
    await ingress.start();
    const inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, suffix);
    const acknowledged: string[] = [];
    const attempted: string[] = [];
    try {
      let n = 0;
      let stop = false;
      const worker = async (): Promise<void> => {
        while (!stop && n < 3000) {
          const i = n++;
          const f = uniqueFixture('message-text--pywa-1.json', `${suffix}-${i}`);
          const id = f.messageIds[0]!;
          attempted.push(id);
          const res = await postSignedWebhook(`${ingress.url}/webhooks/meta/crash-app`, f.raw, SECRET).catch(() => null);
          if (res?.status === 200) acknowledged.push(id);
        }
      };
      const workers = Array.from({ length: 8 }, () => worker());
      await waitFor(() => acknowledged.length >= 150, { timeoutMs: 30000, what: '150 acknowledged webhooks' });
      await ingress.kill('SIGKILL');
      stop = true;
      await Promise.all(workers);
      expect(acknowledged.length).toBeGreaterThan(0);

      await ingress.start();
      await waitFor(() => {
        const seen = new Set(inbound.values().map((m) => m.wamid));
        return acknowledged.every((id) => seen.has(id));
      }, { timeoutMs: 60000, what: `all ${acknowledged.length} acknowledged webhooks normalized` });
      await inbound.settle(3000);
      const ids = inbound.values().map((m) => m.wamid);
      const counts = new Map<string, number>();
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      const duplicated = [...counts].filter(([, c]) => c > 1);
      expect(duplicated).toEqual([]);
      // Nothing appears that was never sent, and every 200 is there.
      const attemptedSet = new Set(attempted);
      expect(ids.every((id) => attemptedSet.has(id))).toBe(true);
      expect(acknowledged.filter((id) => !counts.has(id))).toEqual([]);
    } finally {
      await inbound.stop();
      await ingress.stop();
      await schema.drop();
    }
  }, 180000);
});
