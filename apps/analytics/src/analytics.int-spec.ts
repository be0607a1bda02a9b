import {
  INBOUND_MESSAGE_V1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventV1, STATUS_UPDATED_V1,
} from '@wabridge/contracts';
import type { OutgoingEvent } from '@wabridge/kafka';
import { waitFor } from '@wabridge/testing';
import { rebuildAnalytics } from './cli/rebuild';
import { AnalyticsHarness } from './testing/analytics-harness';
import { EXPECTED, RATE_CARD, scriptedRun } from './testing/scripted-run';

const HOUR = new Date('2026-03-10T10:00:00.000Z');
const RANGE = `from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z`;
/** HDR histograms keep 2 significant digits: a percentile is within 1 % of a recorded value. */
const TOLERANCE = 0.01;

describe('analytics service (real Kafka and Postgres)', () => {
  const h = new AnalyticsHarness();
  const tenant = `t-${h.suffix}`;
  const other = `t2-${h.suffix}`;
  const phone = `1555${Date.now() % 1_000_000_000}`;
  const run = scriptedRun(tenant, phone, HOUR, h.suffix);
  let sentinels = 0;

  const summary = async (t = tenant, query = RANGE) => (await h.http('GET', `/v1/analytics/summary?${query}`, { tenant: t })).body;

  /** Events for a separate tenant on every topic, published after the others: folded, they prove the topics were read past what came before. */
  async function publishSentinelAndWait(): Promise<void> {
    const n = ++sentinels;
    const st = `${tenant}-sentinel`;
    const id = `${h.suffix}-s${n}`;
    const at = HOUR.toISOString();
    const events: OutgoingEvent[] = [
      { topic: OUTBOUND_REQUESTED_V1.topic, key: phone, value: { id, tenantId: st, phoneNumberId: phone, to: '14155550100', type: 'template', message: { type: 'template', template: { name: 'sentinel', language: { code: 'en' } } }, source: 'api', requestedAt: at } },
      { topic: OUTBOUND_EVENTS_V1.topic, key: `${phone}:14155550100`, value: { id, tenantId: st, phoneNumberId: phone, recipient: '14155550100', event: 'accepted', occurredAt: at } satisfies OutboundEventV1 },
      { topic: STATUS_UPDATED_V1.topic, key: `${phone}:14155550100`, value: { wamid: `wamid.${id}`, status: 'delivered', phoneNumberId: phone, wabaId: 'waba-1', appId: 'app-1', tenantId: st, bizOpaqueCallbackData: id, occurredAt: at, receivedAt: at, raw: {} } },
      { topic: INBOUND_MESSAGE_V1.topic, key: `${phone}:1`, value: { wamid: `wamid.${id}.in`, type: 'text', phoneNumberId: phone, wabaId: 'waba-1', appId: 'app-1', tenantId: st, occurredAt: at, receivedAt: at, raw: {} } },
    ];
    await h.publish(events);
    await waitFor(async () => {
      const s = await summary(st);
      const tpl = await h.pg.query(`SELECT count(*)::int AS n FROM message_facts WHERE tenant_id = $1 AND template_name = 'sentinel'`, [st]);
      return s.accepted === n && s.delivered === n && s.inbound === n && tpl.rows[0].n === n;
    }, { timeoutMs: 60000, what: `sentinel ${n} folded on every topic` });
  }

  beforeAll(async () => {
    await h.start();
    expect((await h.http('PUT', '/v1/analytics/rate-card', { tenant, body: RATE_CARD })).status).toBe(200);
    await h.publish(run.events);
    await waitFor(async () => {
      const s = await summary();
      return s.accepted === EXPECTED.accepted && s.read === EXPECTED.read && s.inbound === EXPECTED.inbound && s.rejected === EXPECTED.rejected
        && s.latencyMs.deliveredToRead.samples === EXPECTED.read && s.cost.total === EXPECTED.cost.total;
    }, { timeoutMs: 60000, what: 'the scripted run folded' });
    await publishSentinelAndWait();
  });

  afterAll(() => h.stop());

  function expectScriptedSummary(s: any): void {
    expect({ accepted: s.accepted, sent: s.sent, delivered: s.delivered, read: s.read, failed: s.failed, rejected: s.rejected, inbound: s.inbound })
      .toEqual({ accepted: 100, sent: 95, delivered: 90, read: 60, failed: 5, rejected: 3, inbound: 12 });
    expect(s.cost).toEqual({ currency: 'EUR', total: EXPECTED.cost.total, byCategory: EXPECTED.cost.byCategory, unpriced: [] });
    for (const [pair, expected] of Object.entries(EXPECTED.latencyMs)) {
      for (const [p, value] of Object.entries(expected)) {
        const got = s.latencyMs[pair][p];
        expect(Math.abs(got - value)).toBeLessThanOrEqual(value * TOLERANCE);
      }
    }
    expect(s.latencyMs.acceptedToSent.samples).toBe(95);
    expect(s.latencyMs.sentToDelivered.samples).toBe(90);
  }

  it('reports the scripted funnel, cost (PMP per message, CBP per conversation, market prices) and latency percentiles', async () => {
    expectScriptedSummary(await summary());
  });

  it('breaks cost down by category, type, pricing model and market, also as CSV', async () => {
    const cost = (await h.http('GET', `/v1/analytics/cost?${RANGE}`, { tenant })).body;
    const line = (category: string, market: string, model: string) => cost.lines.find((l: any) => l.category === category && l.market === market && l.pricingModel === model);
    expect(line('marketing', '49', 'PMP')).toMatchObject({ type: 'regular', billable: 20, free: 0, unitPrice: 0.1, amount: 2 });
    expect(line('marketing', '1', 'PMP')).toMatchObject({ billable: 30, unitPrice: 0.05, amount: 1.5 });
    expect(line('marketing', '1', 'CBP')).toMatchObject({ billable: 1, amount: 0.05 });
    expect(line('utility', '1', 'PMP')).toMatchObject({ type: 'free_customer_service', billable: 0, free: 20, amount: 0 });
    expect(line('authentication_international', '1', 'CBP')).toMatchObject({ billable: 10, unitPrice: 0.2, amount: 2 }) // 15 priced, 10 delivered;
    const csv = await h.http('GET', `/v1/analytics/cost?${RANGE}&format=csv`, { tenant, text: true });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('category,type,pricingModel,market,billable,free,unitPrice,amount,currency');
    expect(csv.body).toContain('authentication_international,conversation,CBP,1,10,0,0.2,2,EUR');
  });

  it('lists the top error codes with Meta\'s title and the platform\'s action, also as CSV', async () => {
    const errors = (await h.http('GET', `/v1/analytics/errors?${RANGE}`, { tenant })).body.data;
    expect(errors.map((e: any) => [e.code, e.class, e.failed, e.rejected])).toEqual([
      [null, 'compliance', 0, 3], [131008, 'permanent', 3, 0], [132001, 'template', 2, 0],
    ]);
    expect(errors[1].title).toBe('Required parameter is missing');
    expect(errors[1].action).toBe('fail fast, tell the customer');
    expect(errors[2].action).toBe('fail, emit template event');
    const csv = await h.http('GET', `/v1/analytics/errors?${RANGE}`, { tenant, text: true, headers: { accept: 'text/csv' } });
    expect(csv.body.split('\r\n')[0]).toBe('code,class,count,failed,rejected,title,action');
    expect(csv.body).toContain('132001,template,2,2,0,Template name does not exist in the translation,"fail, emit template event"');
  });

  it('counts template sends by template, with the category Meta charged', async () => {
    const data = (await h.http('GET', `/v1/analytics/templates?${RANGE}`, { tenant })).body.data;
    expect(data).toEqual([
      { name: 'promo_spring', language: 'en', sent: 50, delivered: 50, read: 50, failed: 0, byCategory: { marketing: 50 } },
      { name: 'otp_code', language: 'en_US', sent: 0, delivered: 0, read: 0, failed: 2, byCategory: {} },
    ]);
  });

  it('gives hourly and daily series (zeros included) and a CSV of them', async () => {
    const hourly = (await h.http('GET', `/v1/analytics/timeseries?metric=delivered&interval=hour&${RANGE}`, { tenant })).body;
    expect(hourly.data).toHaveLength(24);
    expect(hourly.data.find((p: any) => p.at === HOUR.toISOString()).value).toBe(90);
    expect(hourly.data.reduce((a: number, p: any) => a + p.value, 0)).toBe(90);
    const daily = (await h.http('GET', `/v1/analytics/timeseries?metric=cost&interval=day&${RANGE}`, { tenant })).body;
    expect(daily).toEqual({ metric: 'cost', interval: 'day', currency: 'EUR', data: [{ at: '2026-03-10T00:00:00.000Z', value: EXPECTED.cost.total }] });
    const csv = await h.http('GET', `/v1/analytics/timeseries?metric=inbound&interval=day&${RANGE}&format=csv`, { tenant, text: true });
    expect(csv.body).toBe('at,value\r\n2026-03-10T00:00:00.000Z,12\r\n');
  });

  it('answers clear 400s for bad query parameters', async () => {
    const bad = await h.http('GET', `/v1/analytics/timeseries?metric=clicks&${RANGE}`, { tenant });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('metric must be one of') });
    const reversed = await h.http('GET', '/v1/analytics/summary?from=2026-03-11T00:00:00Z&to=2026-03-10T00:00:00Z', { tenant });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toBe('from must be before to');
    expect((await h.http('GET', '/v1/analytics/summary?from=yesterday', { tenant })).status).toBe(400);
    expect((await h.http('PUT', '/v1/analytics/rate-card', { tenant, body: { currency: 'euro', prices: { marketing: -1 } } })).status).toBe(400);
    expect((await h.http('GET', `/v1/analytics/summary?${RANGE}`, {})).status).toBe(401);
  });

  it('shows another tenant nothing: zero counts, no rate card, even for the same number', async () => {
    const s = await summary(other, `${RANGE}&phoneNumberId=${phone}`);
    expect([s.accepted, s.sent, s.delivered, s.read, s.failed, s.rejected, s.inbound, s.cost.total]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(s.latencyMs.acceptedToSent).toEqual({ p50: null, p95: null, p99: null, samples: 0 });
    expect((await h.http('GET', '/v1/analytics/rate-card', { tenant: other })).status).toBe(404);
    expect((await h.http('GET', `/v1/analytics/errors?${RANGE}`, { tenant: other })).body.data).toEqual([]);
  });

  it('changes nothing when the whole run is published again', async () => {
    const before = await summary();
    await h.publish(run.events);
    await publishSentinelAndWait();
    expect(await summary()).toEqual(before);
    expectScriptedSummary(await summary());
  });

  it('prices each campaign\'s delivered messages with the rate card (ADR 0155), whichever topic comes first, for its tenant only', async () => {
    const ct = `${tenant}-camp`;
    expect((await h.http('PUT', '/v1/analytics/rate-card', { tenant: ct, body: { currency: 'EUR', prices: { marketing: 0.1, utility: 0.02 }, markets: { '49': { marketing: 0.12 } } } })).status).toBe(200);
    const at = HOUR.toISOString();
    const events: OutgoingEvent[] = [];
    // campaign A: 3 marketing to Germany delivered (one status before its command), 1 priced but never delivered, 1 utility to the US; B: 1 free service
    const msgs = [
      { n: 1, c: 'campA', to: '4915112300001', cat: 'marketing', delivered: true }, { n: 2, c: 'campA', to: '4915112300002', cat: 'marketing', delivered: true },
      { n: 3, c: 'campA', to: '4915112300003', cat: 'marketing', delivered: true, statusFirst: true }, { n: 4, c: 'campA', to: '4915112300004', cat: 'marketing', delivered: false },
      { n: 5, c: 'campA', to: '14155550105', cat: 'utility', delivered: true }, { n: 6, c: 'campB', to: '14155550106', cat: 'service', delivered: true, free: true },
    ];
    const late: OutgoingEvent[] = [];
    for (const m of msgs) {
      const id = `${h.suffix}-camp${m.n}`;
      const command: OutgoingEvent = { topic: OUTBOUND_REQUESTED_V1.topic, key: phone, value: { id, tenantId: ct, phoneNumberId: phone, to: m.to, type: 'text', message: { type: 'text', text: { body: 'x' } }, source: 'campaign', campaignId: m.c, requestedAt: at } };
      const pricing = m.free ? { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: m.cat } : { billable: true, pricing_model: 'PMP', type: 'regular', category: m.cat };
      const statuses: OutgoingEvent[] = [{ topic: STATUS_UPDATED_V1.topic, key: `${phone}:${m.to}`, value: { wamid: `wamid.${id}`, status: 'sent', phoneNumberId: phone, wabaId: 'waba-1', appId: 'app-1', tenantId: ct, bizOpaqueCallbackData: id, recipientId: m.to, pricing, occurredAt: at, receivedAt: at, raw: {} } }];
      if (m.delivered) statuses.push({ topic: STATUS_UPDATED_V1.topic, key: `${phone}:${m.to}`, value: { wamid: `wamid.${id}`, status: 'delivered', phoneNumberId: phone, wabaId: 'waba-1', appId: 'app-1', tenantId: ct, bizOpaqueCallbackData: id, recipientId: m.to, occurredAt: at, receivedAt: at, raw: {} } });
      if (m.statusFirst) { events.push(...statuses); late.push(command); } else events.push(command, ...statuses);
    }
    await h.publish(events);
    const cost = async (t: string) => (await h.http('GET', '/v1/analytics/campaigns/cost?ids=campA,campB,campC', { tenant: t })).body.data;
    await waitFor(async () => (await cost(ct))[0].billable === 3, { timeoutMs: 30000, what: 'campaign A folded without its late command' });
    await h.publish(late);
    await waitFor(async () => (await cost(ct))[0].billable === 4, { timeoutMs: 30000, what: 'the late command joined its delivered message' });
    expect(await cost(ct)).toEqual([
      { campaignId: 'campA', currency: 'EUR', total: 0.38, byCategory: { marketing: 0.36, utility: 0.02 }, unpriced: [], billable: 4, free: 0 },
      { campaignId: 'campB', currency: 'EUR', total: 0, byCategory: { service: 0 }, unpriced: [], billable: 0, free: 1 },
      { campaignId: 'campC', currency: 'EUR', total: 0, byCategory: {}, unpriced: [], billable: 0, free: 0 },
    ]);
    expect((await cost(other)).map((c: any) => [c.total, c.billable, c.free])).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    const bad = await h.http('GET', '/v1/analytics/campaigns/cost?ids=a;b', { tenant: ct });
    expect(bad.status).toBe(400);
  });

  it('puts a late event (an hour old) in its own hour, once', async () => {
    const late: OutboundEventV1 = {
      id: `${h.suffix}-late`, tenantId: tenant, phoneNumberId: phone, recipient: '14155550123', event: 'accepted',
      occurredAt: new Date(HOUR.getTime() - 3_600_000 + 5 * 60_000).toISOString(),
    };
    const event = { topic: OUTBOUND_EVENTS_V1.topic, key: `${phone}:14155550123`, value: late };
    await h.publish([event, event]);
    await publishSentinelAndWait();
    const series = (await h.http('GET', `/v1/analytics/timeseries?metric=accepted&interval=hour&${RANGE}`, { tenant })).body.data;
    const at = (t: number) => series.find((p: any) => p.at === new Date(t).toISOString()).value;
    expect(at(HOUR.getTime() - 3_600_000)).toBe(1);
    expect(at(HOUR.getTime())).toBe(100);
  });

  it('rebuilds the same numbers by replaying the topics with a fresh consumer group', async () => {
    const before = { summary: await summary(), errors: (await h.http('GET', `/v1/analytics/errors?${RANGE}`, { tenant })).body, templates: (await h.http('GET', `/v1/analytics/templates?${RANGE}`, { tenant })).body };
    const report = await rebuildAnalytics(h.env, { timeoutMs: 90000 });
    expect(report.messages).toBeGreaterThan(run.events.length * 2);
    expect(await summary()).toEqual(before.summary);
    expect((await h.http('GET', `/v1/analytics/errors?${RANGE}`, { tenant })).body).toEqual(before.errors);
    expect((await h.http('GET', `/v1/analytics/templates?${RANGE}`, { tenant })).body).toEqual(before.templates);
  });
});
