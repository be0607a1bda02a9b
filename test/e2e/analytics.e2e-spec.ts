import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { STATUS_UPDATED_V1, StatusUpdatedV1 } from '@wabridge/contracts';
import { ServiceProcess, TopicCollector, waitFor } from '@wabridge/testing';
import { call, Platform, postAll } from './platform-harness';

/*
 * Issue 15's scripted run: the whole platform as real processes (gateway, dispatcher, ingress,
 * contacts, analytics; the sandbox as Meta with fixed delays and rates), sends through the
 * gateway's `POST /v1/messages`, and the numbers read back through the gateway's
 * `GET /v1/analytics/*`: counts, cost from the rate card, latency percentiles.
 *
 * What is fixed and what is random (the sandbox draws Math.random() per message):
 * - UNREACHABLE recipients match the sandbox's NOT_ON_WHATSAPP_PATTERN: Meta accepts the send,
 *   then a `failed` status (131026) follows, deterministically, with no pricing.
 * - DELIVERABLE recipients: each fails (131026, after its `sent`) with STATUS_FAILURE_RATE, else
 *   is delivered and then read with STATUS_READ_RATE. Those draws are random, so the counts are
 *   asserted (a) exactly against what Meta (the sandbox) reported, read from
 *   `wa.status.updated.v1` (analytics' input, collected independently), and (b) against the
 *   configured rates within 4 binomial standard deviations (a false alarm ≈ 6 in 100,000 runs).
 * - Delays: Meta's status timestamps have whole-second resolution (the sandbox floors them, as
 *   Meta's are), and `sent` is the dispatcher's own time when Meta accepted the send. So with
 *   the delivered delay D and read delay R a whole number of seconds apart:
 *     deliveredToRead = R − D exactly for every message (± 1 % HDR resolution, ADR 0121);
 *     sentToDelivered ∈ (D − 1000 − δ, D] per message, δ = the dispatcher's time from Meta's
 *     accept to its `sent` event; the test allows δ ≤ 750 ms (a loaded box) and 1 % HDR.
 * - Cost: hello_world is a UTILITY template sent outside the customer-service window, so the
 *   sandbox prices it PMP utility `regular`, billable, on its `sent` and `delivered` statuses.
 *   Charged messages = those priced billable AND delivered (Meta charges on delivery: a random
 *   failure comes after its priced `sent` and costs nothing); cost = charged × the rate card's
 *   price for utility in market 49 (the recipients are German numbers), which overrides the default.
 */
const NUMBER = { phoneNumberId: '109000000001501', displayPhoneNumber: '15550001501', wabaId: '209000000001501', accessToken: 'analytics-e2e-token', mps: 80, tier: 'unlimited' };
const DELIVERABLE = 200;
const UNREACHABLE = 10;
const deliverable = (i: number): string => String(4917000015000 + i); // +49 170 …: possible German mobile numbers
const unreachable = (i: number): string => String(4916099900000 + i);
const DELAYS = { sent: 1000, delivered: 3000, read: 5000 };
const RATES = { failure: 0.1, read: 0.5 };
const SANDBOX_ENV = {
  STATUS_SENT_DELAY_MS: String(DELAYS.sent), STATUS_DELIVERED_DELAY_MS: String(DELAYS.delivered), STATUS_READ_DELAY_MS: String(DELAYS.read),
  STATUS_FAILURE_RATE: String(RATES.failure), STATUS_READ_RATE: String(RATES.read), NOT_ON_WHATSAPP_PATTERN: '^491609990',
};
const RATE_CARD = { currency: 'EUR', prices: { utility: 0.01, marketing: 0.05 }, markets: { '49': { utility: 0.0456 } } };
const UNIT_PRICE = 0.0456;
/** HDR histograms keep 2 significant digits (ADR 0121). */
const HDR = 0.01;
/** Most the dispatcher may take from Meta's accept to its `sent` event, on a loaded box. */
const SENT_EVENT_SLACK_MS = 750;
/** Tolerance of a random count: 4 standard deviations of Binomial(n, p). */
const binomialTolerance = (n: number, p: number): number => 4 * Math.sqrt(n * p * (1 - p));

describe('analytics end to end: a scripted run against the sandbox (fixed delays and rates) through the gateway', () => {
  let platform: Platform;
  let gateway: ServiceProcess;
  let sandbox: ServiceProcess;
  let statuses: TopicCollector<StatusUpdatedV1>;
  let apiKey: string;
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${apiKey}` });

  beforeAll(async () => {
    platform = new Platform({
      analytics: true,
      serviceEnv: { sandbox: SANDBOX_ENV, gateway: { RATE_LIMIT_PER_MINUTE: '1000000' } },
    });
    await platform.start();
    gateway = platform.get('gateway');
    sandbox = platform.get('sandbox');
    apiKey = await platform.onboard(NUMBER);
    statuses = await TopicCollector.start<StatusUpdatedV1>(STATUS_UPDATED_V1, platform.suffix);
  }, 240000);

  afterAll(async () => {
    await statuses?.stop();
    await platform?.stop();
  }, 120000);

  it('counts, prices and times the run as Meta reported it, within the stated tolerances; the answers match the OpenAPI document', async () => {
    // the rate card, through the gateway
    const put = await call('PUT', `${gateway.url}/v1/analytics/rate-card`, RATE_CARD, auth());
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject(RATE_CARD);

    const recipients = [
      ...Array.from({ length: DELIVERABLE }, (_, i) => ({ to: deliverable(i), reachable: true })),
      ...Array.from({ length: UNREACHABLE }, (_, i) => ({ to: unreachable(i), reachable: false })),
    ];
    const replies = await postAll(recipients.map((r) => ({
      url: `${gateway.url}/v1/messages`, headers: auth(),
      body: { phoneNumberId: NUMBER.phoneNumberId, to: `+${r.to}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    })));
    expect(replies.map((r) => r.status)).toEqual(recipients.map(() => 202));
    const ids = replies.map((r) => r.body.id as string);
    const reachableIds = new Set(ids.filter((_, i) => recipients[i]!.reachable));

    // Meta's (the sandbox's) view, per message: its statuses and whether they priced it billable
    const reported = () => {
      const mine = new Set(ids);
      const by = (status: string) => new Set(statuses.values().filter((s) => s.status === status && mine.has(s.bizOpaqueCallbackData ?? '')).map((s) => s.bizOpaqueCallbackData!));
      const billable = new Set(statuses.values().filter((s) => mine.has(s.bizOpaqueCallbackData ?? '') && s.pricing?.billable === true).map((s) => s.bizOpaqueCallbackData!));
      return { delivered: by('delivered'), read: by('read'), failed: by('failed'), billable };
    };
    // every message reached its end (failed or delivered) and the sandbox has no status left to send (the reads are 2 s later)
    await waitFor(async () => {
      const r = reported();
      if (!ids.every((id) => r.failed.has(id) || r.delivered.has(id))) return false;
      const outbox = (await call('GET', `${sandbox.url}/_sandbox/webhooks`)).body;
      return outbox.pending === 0 && outbox.inFlight === 0 && outbox.awaitingRetry === 0;
    }, { timeoutMs: 60000, intervalMs: 250, what: 'every message failed or delivered, and the sandbox outbox drained' });
    // reads come (read − delivered) after each delivery, scheduled, not yet in the outbox: wait
    // until the read count has not moved for longer than that gap plus the pipeline's lag
    let lastReads = -1;
    let stableSince = Date.now();
    await waitFor(() => {
      const reads = reported().read.size;
      if (reads !== lastReads) {
        lastReads = reads;
        stableSince = Date.now();
      }
      return Date.now() - stableSince > DELAYS.read - DELAYS.delivered + 2000;
    }, { timeoutMs: 60000, intervalMs: 250, what: 'the sandbox to have sent every read' });
    const meta = reported();
    const randomFailures = [...meta.failed].filter((id) => reachableIds.has(id)).length;

    // what Meta reported agrees with the configured script: unreachable ones all failed; rates within 4 sd
    for (const id of ids.filter((id) => !reachableIds.has(id))) expect(meta.failed.has(id)).toBe(true);
    expect(Math.abs(randomFailures - DELIVERABLE * RATES.failure)).toBeLessThanOrEqual(binomialTolerance(DELIVERABLE, RATES.failure));
    expect(meta.delivered.size).toBe(DELIVERABLE - randomFailures);
    expect(Math.abs(meta.read.size - meta.delivered.size * RATES.read)).toBeLessThanOrEqual(binomialTolerance(meta.delivered.size, RATES.read));
    expect(meta.billable.size).toBe(DELIVERABLE);

    const expected = {
      accepted: DELIVERABLE + UNREACHABLE, sent: DELIVERABLE + UNREACHABLE, delivered: meta.delivered.size, read: meta.read.size,
      failed: UNREACHABLE + randomFailures, rejected: 0, inbound: 0,
    };
    const charged = [...meta.billable].filter((id) => meta.delivered.has(id) || meta.read.has(id)).length;
    expect(charged).toBe(meta.delivered.size);
    const cost = Math.round(charged * UNIT_PRICE * 1e6) / 1e6;

    // analytics settles on exactly those counts
    const summary = await waitFor(async () => {
      const r = await call('GET', `${gateway.url}/v1/analytics/summary?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
      if (r.status !== 200) return undefined;
      const s = r.body;
      const counts = { accepted: s.accepted, sent: s.sent, delivered: s.delivered, read: s.read, failed: s.failed, rejected: s.rejected, inbound: s.inbound };
      return JSON.stringify(counts) === JSON.stringify(expected) && s.cost.total === cost && s.latencyMs.deliveredToRead.samples === expected.read ? s : undefined;
    }, { timeoutMs: 60000, intervalMs: 500, what: `analytics summary to reach ${JSON.stringify(expected)}, cost ${cost}` }).catch(async (err: Error) => {
      const r = await call('GET', `${gateway.url}/v1/analytics/summary?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
      throw new Error(`${err.message}; last summary ${JSON.stringify(r.body)}; analytics: ${platform.get('analytics').output.slice(-2000)}`);
    });

    // cost = billable × the market's utility price (not the default 0.01)
    expect(summary.cost).toEqual({ currency: 'EUR', total: cost, byCategory: { utility: cost }, unpriced: [] });
    const costs = await call('GET', `${gateway.url}/v1/analytics/cost?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
    expect(costs.body.lines).toEqual([
      { category: 'utility', type: 'regular', pricingModel: 'PMP', market: '49', billable: charged, free: 0, unitPrice: UNIT_PRICE, amount: cost },
    ]);

    // latency: one sample per message that reached both milestones
    const { acceptedToSent, sentToDelivered, deliveredToRead } = summary.latencyMs;
    expect(acceptedToSent.samples).toBe(expected.sent);
    expect(sentToDelivered.samples).toBe(expected.delivered);
    expect(deliveredToRead.samples).toBe(expected.read);
    // delivered → read: both Meta timestamps, R − D apart for every message
    for (const p of ['p50', 'p95', 'p99'] as const) {
      expect(Math.abs(deliveredToRead[p] - (DELAYS.read - DELAYS.delivered))).toBeLessThanOrEqual((DELAYS.read - DELAYS.delivered) * HDR);
    }
    // sent → delivered: each sample in (D − 1000 − δ, D] (whole-second timestamps); p50 about D − 500
    for (const p of ['p50', 'p95', 'p99'] as const) {
      expect(sentToDelivered[p]).toBeGreaterThanOrEqual((DELAYS.delivered - 1000 - SENT_EVENT_SLACK_MS) * (1 - HDR));
      expect(sentToDelivered[p]).toBeLessThanOrEqual(DELAYS.delivered * (1 + HDR));
    }
    // accepted → sent is the platform's own pace (80 messages/s for this number), not a sandbox delay: only ordered and bounded
    expect(acceptedToSent.p50).toBeLessThanOrEqual(acceptedToSent.p95);
    expect(acceptedToSent.p95).toBeLessThanOrEqual(acceptedToSent.p99);
    expect(acceptedToSent.p99).toBeLessThan(60000);

    // the failures by code, with Meta's code and the platform's action
    const errors = await call('GET', `${gateway.url}/v1/analytics/errors?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
    expect(errors.body.data).toEqual([expect.objectContaining({ code: 131026, class: 'permanent', count: expected.failed, failed: expected.failed, rejected: 0 })]);
    // the template, attributed from the send command
    const templates = await call('GET', `${gateway.url}/v1/analytics/templates?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
    expect(templates.body.data).toEqual([{
      name: 'hello_world', language: 'en_US', sent: expected.sent, delivered: expected.delivered, read: expected.read, failed: expected.failed,
      byCategory: { utility: DELIVERABLE },
    }]);
    // the daily series sums to the same, and its CSV says so too
    const daily = await call('GET', `${gateway.url}/v1/analytics/timeseries?metric=delivered&interval=day&phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
    expect(daily.body.data.reduce((a: number, p: { value: number }) => a + p.value, 0)).toBe(expected.delivered);
    const csv = await call('GET', `${gateway.url}/v1/analytics/cost?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, { ...auth(), accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.body).toContain(`utility,regular,PMP,49,${charged},0,${UNIT_PRICE},${cost},EUR`);

    // the gateway's OpenAPI document describes these answers (ajv over the served document)
    const doc = (await call('GET', `${gateway.url}/docs-json`)).body;
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    ajv.addSchema(doc, 'gateway');
    const conforms = (path: string, method: string, status: string, body: unknown): void => {
      const pointer = ['paths', path, method, 'responses', status, 'content', 'application/json', 'schema'].map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
      const validate = ajv.getSchema(`gateway#/${pointer}`);
      if (!validate) throw new Error(`no schema for ${method} ${path} ${status}`);
      expect({ path, valid: validate(body), errors: validate.errors ?? null }).toEqual({ path, valid: true, errors: null });
    };
    conforms('/v1/analytics/summary', 'get', '200', summary);
    conforms('/v1/analytics/cost', 'get', '200', costs.body);
    conforms('/v1/analytics/errors', 'get', '200', errors.body);
    conforms('/v1/analytics/templates', 'get', '200', templates.body);
    conforms('/v1/analytics/timeseries', 'get', '200', daily.body);
    conforms('/v1/analytics/rate-card', 'put', '200', put.body);
    const latency = await call('GET', `${gateway.url}/v1/analytics/latency?interval=day`, undefined, auth());
    conforms('/v1/analytics/latency', 'get', '200', latency.body);
    const numbers = await call('GET', `${gateway.url}/v1/analytics/numbers`, undefined, auth());
    conforms('/v1/analytics/numbers', 'get', '200', numbers.body);
    const bad = await call('GET', `${gateway.url}/v1/analytics/timeseries?metric=clicks`, undefined, auth());
    expect(bad.status).toBe(400);
    conforms('/v1/analytics/timeseries', 'get', '400', bad.body);
    // and no field the document does not name
    expect(Object.keys(summary).sort()).toEqual(Object.keys(doc.components.schemas.AnalyticsSummary.properties).sort());
  }, 90000);
});
