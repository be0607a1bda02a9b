import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { loadConfig, SecretBox } from '@wabridge/config';
import { NUMBER_CHANGED_V1, NumberChangedV1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventV1, OutboundRequestedV1 } from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { randomSuffix, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { createCampaignsApp } from './app.factory';
import { CampaignsEnv } from './campaigns.env';
import { ContactsStub } from './testing/contacts-stub';

const INTERNAL_TOKEN = 'test-internal-token-0123456789';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';
const box = new SecretBox(SecretBox.generateKeySpec());
let seq = 0;
const digits = (prefix: string) => `${prefix}${Date.now() % 1e9}${String(++seq).padStart(3, '0')}`;

/**
 * The campaigns service on the real broker and database (issue 20), the contacts API stubbed
 * (DESIGN §9: one service; the platform e2e runs the real one). Oracle: the send commands on
 * wa.outbound.requested.v1.
 */
describe('campaigns service', () => {
  const suffix = randomSuffix('camp');
  let schema: TestSchema;
  let env: CampaignsEnv;
  let app: NestFastifyApplication;
  let url: string;
  let contacts: ContactsStub;
  let producer: EventProducer;
  let sends: TopicCollector<OutboundRequestedV1>;
  let pg: Client;

  const api = async (tenantId: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { 'x-internal-token': INTERNAL_TOKEN, 'x-tenant-id': tenantId, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const number = async (tenantId: string, tier: NumberChangedV1['tier'], mps: number): Promise<string> => {
    const phoneNumberId = digits('1');
    await producer.send({
      topic: NUMBER_CHANGED_V1.topic, key: phoneNumberId, value: {
        phoneNumberId, tenantId, displayPhoneNumber: '15550000000', wabaId: 'waba-1', appId: 'app-1', businessId: `biz-${phoneNumberId}`,
        status: 'active', mps, tier, graphBaseUrl: 'http://127.0.0.1:9', graphApiVersion: 'v23.0',
        accessToken: box.seal('x', `number:${phoneNumberId}`), revision: 1, updatedAt: new Date().toISOString(),
      } satisfies NumberChangedV1,
    });
    await waitFor(async () => (await pg.query('SELECT 1 FROM numbers WHERE phone_number_id = $1', [phoneNumberId])).rowCount === 1 || undefined, { what: 'the number known' });
    return phoneNumberId;
  };
  const sendsOf = (campaignId: string) => sends.messages.map((m) => m.value).filter((v) => v.campaignId === campaignId);
  const waitStatus = (tenantId: string, id: string, status: string, timeoutMs = 30000) =>
    waitFor(async () => { const r = await api(tenantId, 'GET', `/v1/campaigns/${id}`); return r.body.status === status ? r.body : undefined; }, { timeoutMs, intervalMs: 100, what: `campaign ${status}` });
  const template = { name: 'spring_sale', language: { code: 'en' } };
  const start = async (): Promise<void> => {
    app = await createCampaignsApp(env, { consumer: { handlerRetryBaseMs: 50 } });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  };

  beforeAll(async () => {
    schema = await freshTestSchema('campaigns', { url: DATABASE_URL });
    contacts = await new ContactsStub(INTERNAL_TOKEN).start();
    env = loadConfig(CampaignsEnv, {
      INTERNAL_TOKEN, DATABASE_URL, DATABASE_SCHEMA: schema.schema, TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '3', PORT: '0', LOG_LEVEL: 'error',
      CAMPAIGNS_CONSUMER_GROUP: `campaigns-${suffix}`, CONTACTS_URL: contacts.url, CAMPAIGNS_TICK_MS: '100', CAMPAIGNS_EXPANSION_PAGE: '100',
      // no dispatcher here: nothing leaves `queued`, so backpressure is off except in its own test
      CAMPAIGNS_MAX_IN_FLIGHT_SECONDS: '3600', CAMPAIGNS_PARAMETERS_MAX_BYTES: '65536',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    });
    producer = new EventProducer(createKafka(testConnection(suffix, 'campaigns-test')), suffix);
    await producer.connect();
    sends = await TopicCollector.start<OutboundRequestedV1>(OUTBOUND_REQUESTED_V1, suffix);
    await start();
    pg = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema.schema}` });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await sends?.stop();
    await producer?.close();
    await contacts?.stop();
    await schema?.drop();
  });

  it('sends each opted-in contact with the tags one template with its own parameters, none to the opted-out or untagged, and counts progress from the events', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, '10000', 1000);
    for (let i = 0; i < 400; i++) {
      contacts.contacts.push({
        tenantId: tenant, id: `c${String(i).padStart(5, '0')}`, phoneNumberId, waId: String(4917100000000 + i), profileName: `P${i}`,
        optedOut: i < 360 && i % 9 === 0, tags: i < 360 ? ['vip', 'de'] : ['de'], attributes: i % 2 === 0 ? { firstName: `Ana${i}` } : {},
      });
    }
    const optedIn = contacts.contacts.filter((c) => c.tenantId === tenant && c.tags!.includes('vip') && !c.optedOut).map((c) => c.waId!).sort();
    const created = await api(tenant, 'POST', '/v1/campaigns', {
      name: 'spring', phoneNumberId, audience: { tags: ['vip', 'de'] },
      template: { ...template, components: [{ type: 'body', parameters: [{ type: 'text', text: '{{attributes.firstName|friend}}' }] }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), status: 'draft' });
    const id = created.body.id as string;
    expect((await api(tenant, 'POST', `/v1/campaigns/${id}/start`)).body).toEqual({ id, status: 'running' });
    await waitStatus(tenant, id, 'completed');

    const got = sendsOf(id);
    expect(got.map((s) => s.to).sort()).toEqual(optedIn); // each once, no opted-out
    for (const s of got) {
      expect(s).toMatchObject({ source: 'campaign', type: 'template', idempotencyKey: `campaign:${id}:${s.to}`, phoneNumberId });
      const i = Number(s.to) - 4917100000000;
      expect((s.message.template as { components: { parameters: { text: string }[] }[] }).components[0]!.parameters[0]!.text).toBe(i % 2 === 0 ? `Ana${i}` : 'friend');
    }
    const body = (await api(tenant, 'GET', `/v1/campaigns/${id}`)).body;
    expect(body.counts).toEqual({ total: 360, pending: 0, queued: 320, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 40, failedMarketingLimit: 0 });

    // the dispatcher's events: 100 sent, 50 of them delivered, 20 of those read; 10 failed on Meta's marketing limit
    const ev = (s: OutboundRequestedV1, event: OutboundEventV1['event'], error?: OutboundEventV1['error']): OutboundEventV1 =>
      ({ id: s.id, tenantId: tenant, phoneNumberId, recipient: s.to!, event, occurredAt: new Date().toISOString(), ...(error ? { error } : {}) });
    const events: OutboundEventV1[] = [];
    got.slice(0, 100).forEach((s, i) => {
      events.push(ev(s, 'accepted'), ev(s, 'sent'));
      if (i < 50) events.push(ev(s, 'delivered'));
      if (i < 20) events.push(ev(s, 'read'));
    });
    got.slice(100, 110).forEach((s) => events.push(ev(s, 'accepted'), ev(s, 'sent'), ev(s, 'failed', { class: 'quality', code: 131049, message: 'marketing limit' })));
    events.push(ev(got[0]!, 'sent')); // a late, repeated event changes nothing
    await Promise.all(events.map((e) => producer.send({ topic: OUTBOUND_EVENTS_V1.topic, key: `${phoneNumberId}:${e.recipient}`, value: e })));
    const counts = await waitFor(async () => {
      const c = (await api(tenant, 'GET', `/v1/campaigns/${id}`)).body.counts;
      return c.failed === 10 && c.read === 20 && c.delivered === 30 ? c : undefined;
    }, { timeoutMs: 20000, what: 'counts from the events' });
    expect(counts).toEqual({ total: 360, pending: 0, queued: 210, sent: 50, delivered: 30, read: 20, failed: 10, skipped: 40, failedMarketingLimit: 10 });
    const failed = await api(tenant, 'GET', `/v1/campaigns/${id}/recipients?status=failed`);
    expect(failed.body.data).toHaveLength(10);
    expect(failed.body.data[0]).toMatchObject({ status: 'failed', errorCode: 131049 });
    // another tenant sees nothing
    expect((await api('someone-else', 'GET', `/v1/campaigns/${id}`)).status).toBe(404);
    expect((await api(tenant, 'POST', `/v1/campaigns/${id}/pause`)).status).toBe(409);
  });

  it('keeps to the number\'s rate, stops within a tick when paused and resumes with no recipient twice', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, 'unlimited', 50); // 80 % of 50 mps: 40 sends/s
    const waIds = Array.from({ length: 200 }, (_, i) => String(4917200000000 + i));
    const id = (await api(tenant, 'POST', '/v1/campaigns', { name: 'paced', phoneNumberId, template, audience: { waIds } })).body.id as string;
    const t0 = Date.now();
    await api(tenant, 'POST', `/v1/campaigns/${id}/start`);
    await waitFor(() => sendsOf(id).length >= 80 || undefined, { timeoutMs: 20000, what: '80 sends' });
    expect((await api(tenant, 'POST', `/v1/campaigns/${id}/pause`)).body.status).toBe('paused');
    const atPause = sendsOf(id).length;
    await new Promise((r) => setTimeout(r, 1500));
    const afterPause = sendsOf(id).length;
    expect(afterPause - atPause).toBeLessThanOrEqual(8); // at most what one tick had in flight (100 ms at 40/s, plus produce latency)
    await new Promise((r) => setTimeout(r, 1000));
    expect(sendsOf(id).length).toBe(afterPause);
    expect((await api(tenant, 'GET', `/v1/campaigns/${id}`)).body.counts.pending).toBe(200 - afterPause);

    expect((await api(tenant, 'POST', `/v1/campaigns/${id}/resume`)).body.status).toBe('running');
    await waitStatus(tenant, id, 'completed');
    const got = sendsOf(id);
    expect(got.map((s) => s.to).sort()).toEqual(waIds);
    expect(new Set(got.map((s) => s.id)).size).toBe(200);
    // 200 at 40/s, one second saved up at the start and again at the resume, plus 2.5 s paused:
    // at least (200 - 2 x 40) / 40 = 3 s of sending
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(3000 + 2500);
    // no second of sending held more than the rate plus the first burst
    const times = sends.messages.filter((m) => m.value.campaignId === id).map((m) => Number(m.raw.timestamp)).sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(40 + 40 + 8);
  });

  it('plans no more unique recipients in 24 h than the number\'s tier allows and keeps the rest pending', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, '250', 1000);
    const waIds = Array.from({ length: 300 }, (_, i) => String(4917300000000 + i));
    const id = (await api(tenant, 'POST', '/v1/campaigns', { name: 'tier', phoneNumberId, template, audience: { waIds } })).body.id as string;
    await api(tenant, 'POST', `/v1/campaigns/${id}/start`);
    await waitFor(() => sendsOf(id).length >= 250 || undefined, { timeoutMs: 20000, what: '250 sends' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(sendsOf(id)).toHaveLength(250);
    const body = (await api(tenant, 'GET', `/v1/campaigns/${id}`)).body;
    expect(body).toMatchObject({ status: 'running', counts: { total: 300, queued: 250, pending: 50 } });
    expect((await api(tenant, 'POST', `/v1/campaigns/${id}/cancel`)).body.status).toBe('cancelled');
  });

  it('plans no more while a few seconds of the rate still wait at the dispatcher, and goes on as they are sent', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, 'unlimited', 50); // 40 sends/s
    const waIds = Array.from({ length: 200 }, (_, i) => String(4917500000000 + i));
    const id = (await api(tenant, 'POST', '/v1/campaigns', { name: 'backpressure', phoneNumberId, template, audience: { waIds } })).body.id as string;
    env.CAMPAIGNS_MAX_IN_FLIGHT_SECONDS = 1; // the app holds this env object: at most 40 in flight
    try {
      await api(tenant, 'POST', `/v1/campaigns/${id}/start`);
      await waitFor(() => sendsOf(id).length >= 40 || undefined, { timeoutMs: 20000, what: '40 sends' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(sendsOf(id)).toHaveLength(40); // nothing was sent: planning waits
      const first = sendsOf(id);
      await Promise.all(first.map((s) => producer.send({
        topic: OUTBOUND_EVENTS_V1.topic, key: `${phoneNumberId}:${s.to}`,
        value: { id: s.id, tenantId: tenant, phoneNumberId, recipient: s.to!, event: 'sent', occurredAt: new Date().toISOString() } satisfies OutboundEventV1,
      })));
      await waitFor(() => sendsOf(id).length >= 80 || undefined, { timeoutMs: 20000, what: '40 more once the first were sent' });
      await new Promise((r) => setTimeout(r, 1000));
      expect(sendsOf(id)).toHaveLength(80);
    } finally {
      env.CAMPAIGNS_MAX_IN_FLIGHT_SECONDS = 3600;
      await api(tenant, 'POST', `/v1/campaigns/${id}/cancel`);
    }
  });

  it('continues after a restart mid-campaign with every recipient once', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, 'unlimited', 25); // 20/s: about 10 s for 200
    const waIds = Array.from({ length: 200 }, (_, i) => String(4917400000000 + i));
    const id = (await api(tenant, 'POST', '/v1/campaigns', { name: 'restart', phoneNumberId, template, audience: { waIds } })).body.id as string;
    await api(tenant, 'POST', `/v1/campaigns/${id}/start`);
    await waitFor(() => sendsOf(id).length >= 40 || undefined, { timeoutMs: 20000, what: '40 sends' });
    await app.close();
    await start();
    expect((await api(tenant, 'GET', `/v1/campaigns/${id}`)).body.counts.pending).toBeGreaterThan(0); // restarted mid-campaign
    await waitStatus(tenant, id, 'completed');
    const got = sendsOf(id);
    expect([...new Set(got.map((s) => s.to))].sort()).toEqual(waIds);
    // a recipient produced twice (a crash between produce and mark) would carry the same message id: the dispatcher sends it once
    const idsPerRecipient = new Map<string, Set<string>>();
    for (const s of got) idsPerRecipient.set(s.to!, (idsPerRecipient.get(s.to!) ?? new Set()).add(s.id));
    expect([...idsPerRecipient.values()].every((ids) => ids.size === 1)).toBe(true);
  });

  it('sends to the contacts of a saved segment (tags, attribute, opt-in, last inbound) and keeps the segment\'s filter as it was', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, 'unlimited', 1000);
    const otherNumber = await number(tenant, 'unlimited', 1000);
    const since = '2026-12-01T00:00:00.000Z';
    for (let i = 0; i < 90; i++) {
      contacts.contacts.push({
        tenantId: tenant, id: `s${String(i).padStart(5, '0')}`, phoneNumberId, waId: String(4917600000000 + i), optedOut: false,
        tags: i % 5 === 0 ? ['news'] : ['news', 'de'], attributes: { tier: i % 3 === 0 ? 'gold' : 'silver' },
        optInState: i % 2 === 0 ? 'opted_in' : 'unknown', lastInboundAt: i % 4 === 0 ? '2026-11-20T10:00:00.000Z' : '2026-12-03T10:00:00.000Z',
      });
    }
    const matching = contacts.contacts.filter((c) => c.tenantId === tenant && c.tags!.includes('de') && c.attributes!.tier === 'gold'
      && c.optInState === 'opted_in' && Date.parse(c.lastInboundAt!) >= Date.parse(since)).map((c) => c.waId!).sort();
    expect(matching.length).toBeGreaterThan(3);
    const seg = await api(tenant, 'POST', '/v1/campaigns/segments', {
      name: 'gold news readers', phoneNumberId, filter: { tags: ['news', 'de'], attribute: { key: 'tier', value: 'gold' }, optedIn: true, lastInboundSince: since },
    });
    expect(seg.status).toBe(201);
    expect((await api(tenant, 'GET', `/v1/campaigns/segments/${seg.body.id}`)).body).toMatchObject({ id: seg.body.id, name: 'gold news readers', phoneNumberId });
    expect((await api(tenant, 'GET', '/v1/campaigns/segments')).body.data.map((s: { id: string }) => s.id)).toContain(seg.body.id);
    expect((await api('someone-else', 'GET', `/v1/campaigns/segments/${seg.body.id}`)).status).toBe(404);
    expect((await api(tenant, 'POST', '/v1/campaigns', { name: 'x', phoneNumberId: otherNumber, template, audience: { segmentId: seg.body.id } })).status).toBe(400);

    const created = await api(tenant, 'POST', '/v1/campaigns', { name: 'gold', phoneNumberId, template, audience: { segmentId: seg.body.id } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await api(tenant, 'DELETE', `/v1/campaigns/segments/${seg.body.id}`)).status).toBe(204); // the campaign keeps its copy
    await api(tenant, 'POST', `/v1/campaigns/${id}/start`);
    await waitStatus(tenant, id, 'completed');
    expect(sendsOf(id).map((s) => s.to).sort()).toEqual(matching);
    expect((await api(tenant, 'GET', `/v1/campaigns/${id}`)).body.audience).toMatchObject({ segmentId: seg.body.id });
  });

  it('fills {{csv.x}} parameters from an uploaded CSV: per-line errors, fallbacks, a recipient without a row skipped, only while a draft (ADR 0156)', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, 'unlimited', 1000);
    for (let i = 0; i < 5; i++) contacts.contacts.push({ tenantId: tenant, id: `p${i}`, phoneNumberId, waId: String(4917700000000 + i), optedOut: false, tags: ['csv'] });
    const created = await api(tenant, 'POST', '/v1/campaigns', {
      name: 'codes', phoneNumberId, audience: { tags: ['csv'] },
      template: { ...template, components: [{ type: 'body', parameters: [{ type: 'text', text: '{{csv.code}}' }, { type: 'text', text: '{{csv.city|there}}' }] }] },
    });
    const id = created.body.id as string;
    const put = async (body: string, type = 'text/csv') => {
      const res = await fetch(`${url}/v1/campaigns/${id}/parameters`, { method: 'PUT', headers: { 'x-internal-token': INTERNAL_TOKEN, 'x-tenant-id': tenant, 'content-type': type }, body });
      return { status: res.status, body: (await res.json()) as any };
    };
    const csv = [
      'waId,code,city',
      '+49 177 00000000,A-0,"Berlin, Mitte"', // quoted comma
      '4917700000001,A-1,', // empty city → the fallback
      'not-a-phone,X,Y',
      '4917700000002,A-2', // too few fields
      '4917700000002,A-2b,Köln',
      '4917700000003,A-3,Hamburg',
      '4917700000003,A-3b,Bremen', // a later row of the same recipient wins
    ].join('\r\n');
    const up = await put(csv);
    expect(up).toEqual({ status: 200, body: { rows: 7, stored: 4, columns: ['code', 'city'], errorCount: 2, errors: [
      { line: 4, error: expect.stringContaining('not a phone number') }, { line: 5, error: '2 fields; the header has 3' },
    ] } });
    expect((await put('phone\n4917700000001')).body.error.message).toContain('no parameter column');
    expect((await put('{"a":1}', 'application/json')).status).toBe(415);
    expect((await put(`waId,code\n${'4917700000001,xxxxxxxxxx\n'.repeat(3000)}`)).status).toBe(413); // > CAMPAIGNS_PARAMETERS_MAX_BYTES (64 KiB)
    expect((await api(`other-${tenant}`, 'GET', `/v1/campaigns/${id}`)).status).toBe(404);
    // the refused uploads left the first one in place
    expect((await api(tenant, 'GET', `/v1/campaigns/${id}`)).body.parameters).toMatchObject({ columns: ['code', 'city'], rows: 4 });

    await api(tenant, 'POST', `/v1/campaigns/${id}/start`);
    await waitStatus(tenant, id, 'completed');
    const params = Object.fromEntries(sendsOf(id).map((s) => [s.to, (s.message.template as { components: { parameters: { text: string }[] }[] }).components[0]!.parameters.map((p) => p.text)]));
    expect(params).toEqual({
      '4917700000000': ['A-0', 'Berlin, Mitte'], '4917700000001': ['A-1', 'there'], '4917700000002': ['A-2b', 'Köln'], '4917700000003': ['A-3b', 'Bremen'],
    });
    const skipped = await api(tenant, 'GET', `/v1/campaigns/${id}/recipients?status=skipped`);
    expect(skipped.body.data).toEqual([expect.objectContaining({ recipient: '4917700000004', reason: 'missing-parameter:csv.code' })]);
    expect((await put(csv)).status).toBe(409);
  });

  it('answers 400 for an invalid body and 404 for a number that is not the tenant\'s', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, '250', 80);
    const bad = await api(tenant, 'POST', '/v1/campaigns', { name: 'x', phoneNumberId, template, audience: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect((await api(tenant, 'POST', '/v1/campaigns', { name: 'x', phoneNumberId: '123', template, audience: { waIds: ['4917000000001'] } })).status).toBe(404);
    expect((await api('other', 'POST', '/v1/campaigns', { name: 'x', phoneNumberId, template, audience: { waIds: ['4917000000001'] } })).status).toBe(404);
    const noLanguage = await api(tenant, 'POST', '/v1/campaigns', { name: 'x', phoneNumberId, template: { name: 't' }, audience: { waIds: ['4917000000001'] } });
    expect(noLanguage.status).toBe(400);
    expect(JSON.stringify(noLanguage.body.error.details)).toContain('template.language');
    expect((await api(tenant, 'POST', '/v1/campaigns', { name: 'x', phoneNumberId, audience: { waIds: ['4917000000001'] } })).status).toBe(400);
  });

  it('refuses wa_ids that are not phone numbers with a country code, as POST /v1/messages refuses such a `to`, naming each', async () => {
    const tenant = `t-${digits('')}`;
    const phoneNumberId = await number(tenant, '250', 80);
    // 999 is no country calling code; +1 with 6 digits is no North American number; the others are possible numbers
    const waIds = ['4917000000001', '99912345678', '14155550123', '1415555'];
    const r = await api(tenant, 'POST', '/v1/campaigns', { name: 'x', phoneNumberId, template, audience: { waIds } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('2 of 4') });
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toEqual(['audience.waIds[1]', 'audience.waIds[3]']);
    expect((await api(tenant, 'GET', '/v1/campaigns')).body.data).toEqual([]);
    expect((await api(tenant, 'POST', '/v1/campaigns', { name: 'x', phoneNumberId, template, audience: { waIds: [waIds[0], waIds[2]] } })).status).toBe(201);
  });
});
