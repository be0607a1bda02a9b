import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { loadConfig, SecretBox } from '@wabridge/config';
import { NUMBER_CHANGED_V1, NumberChangedV1, OUTBOUND_REQUESTED_V1, OutboundRequestedV1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { randomSuffix, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { AnalyticsHarness, INTERNAL_TOKEN } from '../../analytics/src/testing/analytics-harness';
import { createCampaignsApp } from '../src/app.factory';
import { CampaignsEnv } from '../src/campaigns.env';
import { ContactsStub } from '../src/testing/contacts-stub';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';
const uniq = () => `${Date.now() % 1e9}${Math.floor(Math.random() * 1000)}`;

/**
 * Cost per campaign (ADR 0155): the campaigns service and the real analytics service on the same
 * topics and broker. The campaign's send commands carry its id; Meta's statuses (published here,
 * as ingress would) price them; `GET /v1/campaigns/:id` answers the cost analytics computes with
 * the tenant's rate card. Analytics down → `cost: null`, the progress still answered.
 */
describe('campaign cost from the analytics service', () => {
  const suffix = randomSuffix('ccost');
  const analytics = new AnalyticsHarness();
  let schema: TestSchema;
  let app: NestFastifyApplication;
  let url: string;
  let contacts: ContactsStub;
  let producer: EventProducer;
  let sends: TopicCollector<OutboundRequestedV1>;
  let pg: Client;
  let envInput: Record<string, string>;

  const api = async (tenantId: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { 'x-internal-token': INTERNAL_TOKEN, 'x-tenant-id': tenantId, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    schema = await freshTestSchema('ccost', { url: DATABASE_URL });
    contacts = await new ContactsStub(INTERNAL_TOKEN).start();
    await analytics.start({ TOPIC_SUFFIX: suffix, ANALYTICS_CONSUMER_GROUP: `analytics-${suffix}` });
    envInput = {
      INTERNAL_TOKEN, DATABASE_URL, DATABASE_SCHEMA: schema.schema, TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '1', PORT: '0', LOG_LEVEL: 'error',
      CAMPAIGNS_CONSUMER_GROUP: `campaigns-${suffix}`, CONTACTS_URL: contacts.url, ANALYTICS_URL: analytics.url, CAMPAIGNS_TICK_MS: '100',
      CAMPAIGNS_MAX_IN_FLIGHT_SECONDS: '3600', KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    };
    app = await createCampaignsApp(loadConfig(CampaignsEnv, envInput), { consumer: { handlerRetryBaseMs: 50 } });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = new EventProducer(createKafka(testConnection(suffix, 'ccost-test')), suffix);
    await producer.connect();
    sends = await TopicCollector.start<OutboundRequestedV1>(OUTBOUND_REQUESTED_V1, suffix);
    pg = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema.schema}` });
    await pg.connect();
  }, 90000);
  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await sends?.stop();
    await producer?.close();
    await contacts?.stop();
    await analytics.stop();
    await schema?.drop();
  });

  it('answers each campaign\'s cost: its delivered messages priced by analytics with the tenant\'s card, nothing for the undelivered, another tenant none', async () => {
    const tenant = `t-${uniq()}`;
    const phoneNumberId = `1${uniq()}`;
    await producer.send({
      topic: NUMBER_CHANGED_V1.topic, key: phoneNumberId, value: {
        phoneNumberId, tenantId: tenant, displayPhoneNumber: '15550000000', wabaId: 'waba-1', appId: 'app-1', businessId: `biz-${phoneNumberId}`,
        status: 'active', mps: 1000, tier: 'unlimited', graphBaseUrl: 'http://127.0.0.1:9', graphApiVersion: 'v23.0',
        accessToken: new SecretBox(SecretBox.generateKeySpec()).seal('x', `number:${phoneNumberId}`), revision: 1, updatedAt: new Date().toISOString(),
      } satisfies NumberChangedV1,
    });
    await waitFor(async () => (await pg.query('SELECT 1 FROM numbers WHERE phone_number_id = $1', [phoneNumberId])).rowCount === 1 || undefined, { what: 'the number known' });
    for (let i = 0; i < 12; i++) {
      // 10 in Germany, 2 in the US
      contacts.contacts.push({ tenantId: tenant, id: `c${i}`, phoneNumberId, waId: i < 10 ? String(4917100000000 + i) : String(14155550100 + i), optedOut: false, tags: ['vip'] });
    }
    expect((await analytics.http('PUT', '/v1/analytics/rate-card', { tenant, body: { currency: 'EUR', prices: { marketing: 0.1 }, markets: { '49': { marketing: 0.12 } } } })).status).toBe(200);
    const created = await api(tenant, 'POST', '/v1/campaigns', { name: 'priced', phoneNumberId, audience: { tags: ['vip'] }, template: { name: 'spring_sale', language: { code: 'en' } } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await api(tenant, 'POST', `/v1/campaigns/${id}/start`);
    const got = await waitFor(() => { const s = sends.messages.map((m) => m.value).filter((v) => v.campaignId === id); return s.length === 12 ? s : undefined; }, { timeoutMs: 30000, what: 'the campaign\'s 12 sends' });
    expect((await api(tenant, 'GET', `/v1/campaigns/${id}`)).body.cost).toEqual({ currency: 'EUR', total: 0, byCategory: {}, unpriced: [], billable: 0, free: 0 });

    // Meta: all 12 sent (priced as marketing), 11 delivered (one German message never is)
    const at = new Date().toISOString();
    const statuses = got.flatMap((s) => {
      const base = { wamid: `wamid.${s.id}`, phoneNumberId, wabaId: 'waba-1', appId: 'app-1', tenantId: tenant, bizOpaqueCallbackData: s.id, recipientId: s.to, occurredAt: at, receivedAt: at, raw: {} };
      const sent = { ...base, status: 'sent', pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } };
      return s.to === String(4917100000000) ? [sent] : [sent, { ...base, status: 'delivered' }];
    });
    await producer.sendMany(statuses.map((v) => ({ topic: STATUS_UPDATED_V1.topic, key: `${phoneNumberId}:${v.recipientId}`, value: v })));
    const cost = await waitFor(async () => { const c = (await api(tenant, 'GET', `/v1/campaigns/${id}`)).body.cost; return c?.billable === 11 ? c : undefined; },
      { timeoutMs: 30000, what: 'the campaign priced by analytics' });
    // 9 German × 0.12 + 2 US × 0.10
    expect(cost).toEqual({ currency: 'EUR', total: 1.28, byCategory: { marketing: 1.28 }, unpriced: [], billable: 11, free: 0 });
    expect((await api(`other-${tenant}`, 'GET', `/v1/campaigns/${id}`)).status).toBe(404);
    expect((await analytics.http('GET', `/v1/analytics/campaigns/cost?ids=${id}`, { tenant: `other-${tenant}` })).body.data[0]).toMatchObject({ total: 0, billable: 0 });
  });

  it('answers the progress with cost: null when analytics cannot be asked', async () => {
    const down = await createCampaignsApp(loadConfig(CampaignsEnv, { ...envInput, ANALYTICS_URL: 'http://127.0.0.1:9', CAMPAIGNS_CONSUMER_GROUP: `campaigns-${suffix}-down` }), { consumer: { handlerRetryBaseMs: 50 } });
    try {
      await down.listen(0, '127.0.0.1');
      const base = (await down.getUrl()).replace('[::1]', '127.0.0.1');
      const [row] = (await pg.query('SELECT id, tenant_id FROM campaigns LIMIT 1')).rows;
      const res = await fetch(`${base}/v1/campaigns/${row.id}`, { headers: { 'x-internal-token': INTERNAL_TOKEN, 'x-tenant-id': row.tenant_id } });
      const body = await res.json();
      expect(res.status).toBe(200);
      expect(body.cost).toBeNull();
      expect(body.counts.total).toBe(12);
    } finally {
      await down.close();
    }
  });
});
