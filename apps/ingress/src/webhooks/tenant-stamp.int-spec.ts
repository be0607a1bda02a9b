import { SecretBox } from '@wabridge/config';
import {
  HEADER, INBOUND_MESSAGE_V1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { postSignedWebhook, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { APP_ID, APP_SECRET, IngressHarness, startIngress } from '../testing/ingress-harness';
import { NUMBER_OWNERSHIP, NumberOwnership } from '../apps-registry/number-ownership';

const KEYS = SecretBox.generateKeySpec('k1');
const box = new SecretBox(KEYS);

function webhook(phoneNumberId: string, wabaId: string, wamid: string, statusWamid: string): Buffer {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550002', phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: 'Ada' }, wa_id: '4917000000002' }],
    messages: [{ from: '4917000000002', id: wamid, timestamp: '1700000000', type: 'text', text: { body: 'hello' } }],
    statuses: [{ id: statusWamid, status: 'delivered', timestamp: '1700000001', recipient_id: '4917000000002' }],
  };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: [{ field: 'messages', value }] }] }));
}

/** ADR 0090: inbound and status topics carry the number's tenant from the source. */
describe('ingress stamps the tenant of the number on inbound messages and statuses (real Kafka + Postgres)', () => {
  let h: IngressHarness;
  let producer: EventProducer;
  let inbound: TopicCollector<InboundMessageV1>;
  let statuses: TopicCollector<StatusUpdatedV1>;
  const registered = String(400000000 + Math.floor(Math.random() * 99999999));
  const unregistered = String(500000000 + Math.floor(Math.random() * 99999999));
  const tenantId = `tenant-${registered}`;

  beforeAll(async () => {
    h = await startIngress({ ENCRYPTION_KEYS: KEYS });
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'tenant-stamp-test')), h.suffix);
    await producer.connect();
    inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, h.suffix);
    statuses = await TopicCollector.start<StatusUpdatedV1>(STATUS_UPDATED_V1, h.suffix);
    const number: NumberChangedV1 = {
      phoneNumberId: registered, tenantId, displayPhoneNumber: '15550002', wabaId: `9${registered}`, appId: APP_ID, businessId: `9${registered}`,
      status: 'active', mps: 80, tier: '250', graphBaseUrl: 'http://127.0.0.1:1', graphApiVersion: 'v23.0',
      accessToken: box.seal('token', 'x'), revision: 1, updatedAt: new Date().toISOString(),
    };
    await producer.send({ topic: NUMBER_CHANGED_V1.topic, key: registered, value: number });
    const ownership = h.app.get<NumberOwnership>(NUMBER_OWNERSHIP);
    await waitFor(() => ownership.tenantOf(registered) === tenantId, { what: 'ingress to learn the number', timeoutMs: 30000 });
  }, 90000);
  afterAll(async () => {
    await Promise.all([inbound?.stop(), statuses?.stop(), producer?.close()]);
    await h?.close();
  });

  it("puts the registered number's tenant in the event and the tenant-id header of its message and status", async () => {
    const tag = h.suffix.replace(/[^a-z0-9]/gi, '');
    const body = webhook(registered, `9${registered}`, `wamid.reg-${tag}`, `wamid.reg-status-${tag}`);
    expect((await postSignedWebhook(`${h.url}/webhooks/meta/${APP_ID}`, body, APP_SECRET)).status).toBe(200);

    const message = await waitFor(() => inbound.messages.find((m) => m.value.wamid === `wamid.reg-${tag}`), { what: 'the inbound message' });
    expect(message.value).toMatchObject({ tenantId, phoneNumberId: registered, waId: '4917000000002' });
    expect(message.headers[HEADER.tenantId]).toBe(tenantId);
    const status = await waitFor(() => statuses.messages.find((m) => m.value.wamid === `wamid.reg-status-${tag}`), { what: 'the status' });
    expect(status.value).toMatchObject({ tenantId, status: 'delivered', phoneNumberId: registered });
    expect(status.headers[HEADER.tenantId]).toBe(tenantId);
  });

  it('leaves the tenant out (field and header) for a number no tenant registered', async () => {
    const tag = h.suffix.replace(/[^a-z0-9]/gi, '');
    const body = webhook(unregistered, `8${unregistered}`, `wamid.unreg-${tag}`, `wamid.unreg-status-${tag}`);
    expect((await postSignedWebhook(`${h.url}/webhooks/meta/${APP_ID}`, body, APP_SECRET)).status).toBe(200);

    const message = await waitFor(() => inbound.messages.find((m) => m.value.wamid === `wamid.unreg-${tag}`), { what: 'the inbound message' });
    expect(message.value.phoneNumberId).toBe(unregistered);
    expect(message.value).not.toHaveProperty('tenantId');
    expect(message.headers).not.toHaveProperty(HEADER.tenantId);
    const status = await waitFor(() => statuses.messages.find((m) => m.value.wamid === `wamid.unreg-status-${tag}`), { what: 'the status' });
    expect(status.value).not.toHaveProperty('tenantId');
    expect(status.headers).not.toHaveProperty(HEADER.tenantId);
  });
});
