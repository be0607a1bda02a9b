import { SecretBox } from '@wabridge/config';
import { APP_CHANGED_V1, INBOUND_MESSAGE_V1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { createTestTopics, postSignedWebhook, randomSuffix, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { APP_ID, APP_SECRET, IngressHarness, startIngress } from '../testing/ingress-harness';

const box = new SecretBox(SecretBox.generateKeySpec('k1'));

/**
 * ADR 0071's boot gap: a fresh instance has not read the number registry yet, so every number
 * would look unknown and a forged cross-app change would pass as "unbound". The normalizer
 * waits until the registry is read to where it stood at boot.
 */
describe('ingress reads the number registry before it judges its first webhook (real Kafka + Postgres)', () => {
  const suffix = randomSuffix('ing');
  let h: IngressHarness | undefined;

  afterAll(async () => {
    await h?.close();
  });

  it('turns ready without waiting for a first webhook', async () => {
    const fresh = await startIngress();
    try {
      await waitFor(async () => (await fetch(`${fresh.managementUrl}/health/ready`)).status === 200, { what: 'ready with no webhook', timeoutMs: 30000 });
    } finally {
      await fresh.close();
    }
  }, 60000);

  it('drops a forged change that arrives right at boot, for a number registered long before', async () => {
    await createTestTopics(suffix, [APP_CHANGED_V1, NUMBER_CHANGED_V1, INBOUND_MESSAGE_V1]);
    const producer = new EventProducer(createKafka(testConnection(suffix, 'catch-up-test')), suffix);
    await producer.connect();
    const target = String(500000000 + Math.floor(Math.random() * 99999999));
    const number = (phoneNumberId: string, revision: number): NumberChangedV1 => ({
      phoneNumberId, tenantId: 't1', displayPhoneNumber: '15550001', wabaId: `w-${phoneNumberId}`, appId: 'owner-app', businessId: 'b1',
      status: 'active', mps: 80, tier: '250', graphBaseUrl: 'http://127.0.0.1:1', graphApiVersion: 'v23.0',
      accessToken: box.seal('token', 'x'), revision, updatedAt: new Date().toISOString(),
    });
    // A registry long enough that reading it takes a while; the target number comes last.
    for (let i = 0; i < 20; i++) {
      await Promise.all(Array.from({ length: 250 }, (_, j) => producer.send({ topic: NUMBER_CHANGED_V1.topic, key: `n${i}-${j}`, value: number(`7${i}${j}`, 1) })));
    }
    await producer.send({ topic: NUMBER_CHANGED_V1.topic, key: target, value: number(target, 1) });
    await producer.close();

    h = await startIngress({ TOPIC_SUFFIX: suffix, NORMALIZER_GROUP_ID: `ingress-normalizer-${suffix}` });
    const inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, suffix);
    try {
      // Signed by the env app, naming the owner app's number: not its change to make.
      const forged = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: `w-${target}`, changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001', phone_number_id: target },
        contacts: [{ profile: { name: 'Eve' }, wa_id: '4917000000009' }],
        messages: [{ from: '4917000000009', id: `wamid.forged-at-boot-${suffix}`, timestamp: '1700000000', type: 'text', text: { body: 'STOP' } }],
      } }] }] }));
      expect((await postSignedWebhook(`${h.url}/webhooks/meta/${APP_ID}`, forged, APP_SECRET)).status).toBe(200);
      // A genuine change for an unregistered number, posted after it, shows the forged one was judged.
      const marker = Buffer.from(forged.toString('utf8').replaceAll(target, '1234').replace(`forged-at-boot-${suffix}`, `marker-${suffix}`));
      expect((await postSignedWebhook(`${h.url}/webhooks/meta/${APP_ID}`, marker, APP_SECRET)).status).toBe(200);
      await waitFor(() => inbound.values().some((m) => m.wamid === `wamid.marker-${suffix}`), { what: 'the marker normalized', timeoutMs: 60000 });
      expect(inbound.values().filter((m) => m.wamid.includes('forged'))).toEqual([]);
      expect((await fetch(`${h.managementUrl}/health/ready`)).status).toBe(200);
    } finally {
      await inbound.stop();
    }
  }, 180000);
});
