import { SecretBox } from '@wabridge/config';
import {
  APP_CHANGED_V1, AppChangedV1, INBOUND_MESSAGE_V1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { metricsRegistry } from '@wabridge/telemetry';
import { postSignedWebhook, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { APP_ID, APP_SECRET, IngressHarness, startIngress } from '../testing/ingress-harness';
import { NUMBER_OWNERSHIP, NumberOwnership } from '../apps-registry/number-ownership';

const KEYS = SecretBox.generateKeySpec('k1');
const box = new SecretBox(KEYS);
const OTHER = { appId: 'other-app', secret: 'other-app-secret-0123456789', verifyToken: 'other-verify-token' };

async function dropped(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('wabridge_ingress_cross_app_dropped_total')?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

function body(phoneNumberId: string, wabaId: string, o: { wamid?: string; statusWamid?: string }): Buffer {
  const value: Record<string, unknown> = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001', phone_number_id: phoneNumberId } };
  if (o.wamid) {
    value.contacts = [{ profile: { name: 'Eve' }, wa_id: '4917000000001' }];
    value.messages = [{ from: '4917000000001', id: o.wamid, timestamp: '1700000000', type: 'text', text: { body: 'STOP' } }];
  }
  if (o.statusWamid) value.statuses = [{ id: o.statusWamid, status: 'read', timestamp: '1700000001', recipient_id: '4917000000001' }];
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: [{ field: 'messages', value }] }] }));
}

/** ADR 0071: a webhook signed by one app cannot speak for another app's numbers or WABAs. */
describe('ingress binds each change to the app that signed it (real Kafka + Postgres)', () => {
  let h: IngressHarness;
  let producer: EventProducer;
  let inbound: TopicCollector<InboundMessageV1>;
  let statuses: TopicCollector<StatusUpdatedV1>;
  const num = String(300000000 + Math.floor(Math.random() * 99999999));
  const waba = `9${num}`;

  beforeAll(async () => {
    h = await startIngress({ ENCRYPTION_KEYS: KEYS });
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'cross-app-test')), h.suffix);
    await producer.connect();
    inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, h.suffix);
    statuses = await TopicCollector.start<StatusUpdatedV1>(STATUS_UPDATED_V1, h.suffix);
    // The gateway's registry: a second app, and the number belongs to the env app (APP_ID).
    const app: AppChangedV1 = {
      appId: OTHER.appId, appSecret: box.seal(OTHER.secret, `app:${OTHER.appId}`), verifyToken: box.seal(OTHER.verifyToken, `app:${OTHER.appId}`),
      updatedAt: new Date().toISOString(),
    };
    const number: NumberChangedV1 = {
      phoneNumberId: num, tenantId: 't1', displayPhoneNumber: '15550001', wabaId: waba, appId: APP_ID, businessId: waba,
      status: 'active', mps: 80, tier: '250', graphBaseUrl: 'http://127.0.0.1:1', graphApiVersion: 'v23.0',
      accessToken: box.seal('token', 'x'), revision: 1, updatedAt: new Date().toISOString(),
    };
    await producer.send({ topic: APP_CHANGED_V1.topic, key: app.appId, value: app });
    await producer.send({ topic: NUMBER_CHANGED_V1.topic, key: num, value: number });
    const ownership = h.app.get<NumberOwnership>(NUMBER_OWNERSHIP);
    await waitFor(() => ownership.check(APP_ID, { phoneNumberId: num }).verdict === 'bound', { what: 'ingress to learn the number', timeoutMs: 30000 });
    await waitFor(
      async () => (await fetch(`${h.url}/webhooks/meta/${OTHER.appId}?hub.mode=subscribe&hub.verify_token=${OTHER.verifyToken}&hub.challenge=1`)).status === 200,
      { what: 'ingress to learn the other app', timeoutMs: 30000 },
    );
  }, 90000);
  afterAll(async () => {
    await Promise.all([inbound?.stop(), statuses?.stop(), producer?.close()]);
    await h?.close();
  });

  it("drops a webhook signed by another app that names our number or WABA (counted), and still normalizes the owner's", async () => {
    const tag = h.suffix.replace(/[^a-z0-9]/gi, '');
    const before = await dropped();
    // Signed correctly by the other app: ingress answers 200 (Meta semantics), but the changes are not its to make.
    const forgedByNumber = body(num, `8${num}`, { wamid: `wamid.forged-number-${tag}`, statusWamid: `wamid.forged-status-${tag}` });
    const forgedByWaba = body('111', waba, { wamid: `wamid.forged-waba-${tag}` });
    expect((await postSignedWebhook(`${h.url}/webhooks/meta/${OTHER.appId}`, forgedByNumber, OTHER.secret)).status).toBe(200);
    expect((await postSignedWebhook(`${h.url}/webhooks/meta/${OTHER.appId}`, forgedByWaba, OTHER.secret)).status).toBe(200);
    await waitFor(async () => (await dropped()) >= before + 3, { what: 'three dropped changes counted', timeoutMs: 30000 });
    expect((await metricsRegistry.getSingleMetricAsString('wabridge_ingress_cross_app_dropped_total'))).toMatch(/reason="waba"/);

    // The owner's webhook for the same number still goes through.
    const genuine = body(num, waba, { wamid: `wamid.genuine-${tag}`, statusWamid: `wamid.genuine-status-${tag}` });
    expect((await postSignedWebhook(`${h.url}/webhooks/meta/${APP_ID}`, genuine, APP_SECRET)).status).toBe(200);
    const message = await waitFor(() => inbound.values().find((m) => m.wamid === `wamid.genuine-${tag}`), { what: 'the genuine message' });
    expect(message).toMatchObject({ appId: APP_ID, phoneNumberId: num, wabaId: waba });
    await waitFor(() => statuses.values().some((s) => s.wamid === `wamid.genuine-status-${tag}`), { what: 'the genuine status' });

    await inbound.settle(1000);
    expect(inbound.values().filter((m) => m.wamid.includes('forged'))).toEqual([]);
    expect(statuses.values().filter((s) => s.wamid.includes('forged'))).toEqual([]);
  });
});
