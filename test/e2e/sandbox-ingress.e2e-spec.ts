import { INBOUND_MESSAGE_V1, InboundMessageV1, STATUS_UPDATED_V1, StatusUpdatedV1 } from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { freePort, randomSuffix, ServiceProcess, TEST_BROKERS, TopicCollector, waitFor } from '@wabridge/testing';

const APP = { id: 'rt-app', secret: 'round-trip-secret-1', verify: 'rt-verify' };
const NUMBER = { phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881', wabaId: '102290129340398', accessToken: 'rt-token' };

async function json(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('sandbox → real ingress round trip (real processes, real Kafka + Postgres)', () => {
  let suffix: string;
  let schema: TestSchema;
  let ingress: ServiceProcess;
  let sandbox: ServiceProcess;

  beforeAll(async () => {
    suffix = randomSuffix('rt');
    schema = await freshTestSchema('ingress');
    ingress = new ServiceProcess('ingress', await freePort(), {
      KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '2', DATABASE_URL: schema.url,
      DATABASE_SCHEMA: schema.schema, META_APP_ID: APP.id, META_APP_SECRET: APP.secret, META_VERIFY_TOKEN: APP.verify,
      NORMALIZER_GROUP_ID: `norm-${suffix}`,
    });
    sandbox = new ServiceProcess('sandbox', await freePort(), { META_APP_ID: APP.id, META_APP_SECRET: APP.secret });
    await Promise.all([ingress.start(), sandbox.start()]);
    const reg = await json('POST', `${sandbox.url}/_sandbox/numbers`, {
      ...NUMBER, appSecret: APP.secret, callbackUrl: `${ingress.url}/webhooks/meta/${APP.id}`,
    });
    expect(reg.status).toBe(201);
  }, 120000);

  afterAll(async () => {
    await Promise.all([ingress?.stop(), sandbox?.stop()]);
    await schema?.drop();
  });

  it('delivers a simulated user message as a typed inbound event, signature verified by ingress', async () => {
    const inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, suffix);
    try {
      const res = await json('POST', `${sandbox.url}/_sandbox/inbound`, {
        phoneNumberId: NUMBER.phoneNumberId, from: '4915112345678', profileName: 'Anna', message: { type: 'text', text: { body: 'Hallo' } },
      });
      expect(res.status).toBe(202);
      const event = await waitFor(() => inbound.values().find((m) => m.wamid === res.body.wamid), { timeoutMs: 30000, what: 'inbound event' });
      expect(event).toMatchObject({
        type: 'text', phoneNumberId: NUMBER.phoneNumberId, wabaId: NUMBER.wabaId, waId: '4915112345678', profileName: 'Anna', appId: APP.id,
        raw: { text: { body: 'Hallo' } },
      });
    } finally {
      await inbound.stop();
    }
  }, 60000);

  it('turns a send into sent → delivered → read status events with our callback data echoed', async () => {
    const statuses = await TopicCollector.start<StatusUpdatedV1>(STATUS_UPDATED_V1, suffix);
    try {
      // The user wrote first (previous test), so the 24 h window is open for a text.
      const send = await json('POST', `${sandbox.url}/v23.0/${NUMBER.phoneNumberId}/messages`, {
        messaging_product: 'whatsapp', to: '4915112345678', type: 'text', text: { body: 'Danke!' }, biz_opaque_callback_data: 'our-id-1',
      }, { authorization: `Bearer ${NUMBER.accessToken}` });
      expect(send.status).toBe(200);
      const wamid: string = send.body.messages[0].id;
      await waitFor(() => ['sent', 'delivered', 'read'].every((s) => statuses.values().some((e) => e.wamid === wamid && e.status === s)), {
        timeoutMs: 30000, what: 'sent, delivered and read',
      });
      const mine = statuses.values().filter((e) => e.wamid === wamid);
      expect(mine.map((e) => e.status).sort()).toEqual(['delivered', 'read', 'sent']);
      for (const e of mine) expect(e).toMatchObject({ bizOpaqueCallbackData: 'our-id-1', recipientId: '4915112345678', phoneNumberId: NUMBER.phoneNumberId });
      expect(mine.find((e) => e.status === 'sent')?.pricing).toMatchObject({ billable: expect.any(Boolean), pricing_model: expect.any(String) });
    } finally {
      await statuses.stop();
    }
  }, 60000);

  it('answers a wrong token with Meta\'s 190 error and sends no webhook', async () => {
    const res = await json('POST', `${sandbox.url}/v23.0/${NUMBER.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp', to: '4915112345678', type: 'text', text: { body: 'x' },
    }, { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 190, type: expect.any(String), fbtrace_id: expect.any(String) });
  });
});
