import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '@wabridge/config';
import { ACCOUNT_EVENT_V1, AccountEventV1 } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { walkWebhook } from '@wabridge/meta';
import { FIXTURE_DIR, testConnection, waitFor } from '@wabridge/testing';
import { ManualClock } from '@wabridge/time';
import { Harness, startGateway, uniqueDigits } from '../testing/gateway-harness';
import { RunningDispatcher, startDispatcher } from '../testing/dispatcher';
import { AccountStateRefresher } from './account-state.refresher';

const DISPLAY = '16505551111'; // the number the fixture bodies name

/**
 * A fixture body as ingress publishes it (one AccountEventV1 per change; occurredAt from the
 * entry's time), for our WABA; `edit` changes the value or the time.
 */
function fixtureEvents(file: string, wabaId: string, edit: { value?: Record<string, unknown>; time?: number } = {}): AccountEventV1[] {
  const body = JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as { entry: { id: string; time: number }[] };
  for (const e of body.entry) {
    e.id = wabaId;
    if (edit.time !== undefined) e.time = edit.time;
  }
  return [...walkWebhook(body)].map((c) => {
    const value = { ...(c.value ?? {}), ...(edit.value ?? {}) };
    return {
      eventId: `${file}-${uniqueDigits()}`, field: c.field!, kind: c.field!, wabaId, appId: 'stateapp',
      occurredAt: new Date((c.entryTime ?? 0) * 1000).toISOString(), receivedAt: new Date().toISOString(), value,
    };
  });
}

describe('Meta account state: webhooks and Graph reads keep numbers, limits and sending current', () => {
  const keys = SecretBox.generateKeySpec('state');
  const clock = new ManualClock(Date.now());
  let h: Harness;
  let dispatcher: RunningDispatcher;
  let producer: EventProducer;
  let graph: Server;
  let graphUrl: string;
  const graphAnswers = new Map<string, Record<string, unknown>>();
  /** When set, Graph answers 100 to a request naming throughput/is_on_biz_app (fields outside the v23 reference). */
  let extraFieldsUnknown = false;
  const tenants: { id: string; key: string }[] = [];
  const phoneNumberId = uniqueDigits('7');
  const wabaId = uniqueDigits('6');
  const otherNumberId = uniqueDigits('7');

  beforeAll(async () => {
    // Graph as far as the refresh reads it: GET /v23.0/<id>?fields=… answers what the test set.
    graph = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const id = url.pathname.split('/')[2] ?? '';
      if (extraFieldsUnknown && /is_on_biz_app/.test(url.searchParams.get('fields') ?? '')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 100, message: '(#100) Tried accessing nonexisting field (is_on_biz_app)' } }));
        return;
      }
      const answer = graphAnswers.get(id);
      res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer ?? { error: { code: 100, message: 'no such object' } }));
    });
    await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', resolve));
    graphUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
    h = await startGateway({ ENCRYPTION_KEYS: keys }, { clock });
    dispatcher = await startDispatcher(h.suffix, keys);
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'account-state-test')), h.suffix);
    await producer.connect();
    for (const name of ['state', 'other']) {
      const t = await h.admin('POST', '/admin/v1/tenants', { name });
      tenants.push({ id: t.body.id, key: t.body.apiKey.key });
    }
    await h.admin('POST', '/admin/v1/apps', { appId: 'stateapp', appSecret: 's', verifyToken: 'v' });
    const n = await h.admin('POST', `/admin/v1/tenants/${tenants[0]!.id}/phone-numbers`, {
      phoneNumberId, displayPhoneNumber: '+1 650-555-1111', wabaId, appId: 'stateapp', accessToken: 'state-token', graphBaseUrl: graphUrl, mps: 80, tier: '250',
    });
    expect(n.status).toBe(201);
    const o = await h.admin('POST', `/admin/v1/tenants/${tenants[1]!.id}/phone-numbers`, {
      phoneNumberId: otherNumberId, displayPhoneNumber: DISPLAY, wabaId: uniqueDigits('6'), appId: 'stateapp', accessToken: 'other-token', graphBaseUrl: graphUrl,
    });
    expect(o.status).toBe(201);
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.mps === 80, { what: 'the dispatcher has the registered number' });
  });

  afterAll(async () => {
    await producer?.close();
    await dispatcher?.close();
    await h?.close();
    await new Promise((r) => graph?.close(r));
  });

  const publish = async (events: AccountEventV1[]) => {
    for (const value of events) await producer.send({ topic: ACCOUNT_EVENT_V1.topic, key: value.wabaId, value });
  };
  const view = async (tenant = tenants[0]!, id = phoneNumberId) => h.api(tenant.key, 'GET', `/v1/phone-numbers/${id}`);
  const sendText = (body: Record<string, unknown> = {}) =>
    h.api(tenants[0]!.key, 'POST', '/v1/messages', { phoneNumberId, to: '+14155550123', type: 'text', text: { body: 'hi' }, ...body });

  it('applies the quality webhook (FLAGGED, TIER_10K) to the registry, the tenant view and the dispatcher\'s limits, and ignores an older event', async () => {
    await publish(fixtureEvents('phone-quality--bindambc-1.json', wabaId));
    await waitFor(async () => (await view()).body.qualityRating === 'RED', { what: 'RED quality from the webhook' });
    expect((await view()).body).toMatchObject({ phoneNumberId, wabaId, status: 'active', qualityRating: 'RED', messagingTier: '10000', throughputMps: 80, coexistence: false, maySend: true });
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.tier === '10000', { what: 'the dispatcher\'s tier follows', timeoutMs: 10000 });

    // Older than the fixture's entry time: must not undo RED / TIER_10K.
    await publish(fixtureEvents('phone-quality--bindambc-1.json', wabaId, { time: 1608243000, value: { event: 'UNFLAGGED', current_limit: 'TIER_1K' } }));
    // Newer name decision after it, so we know the stale one was consumed before we look.
    await publish(fixtureEvents('phone-name--bindambc-1.json', wabaId));
    await waitFor(async () => (await view()).body.nameStatus === 'APPROVED', { what: 'name status from the webhook' });
    expect((await view()).body).toMatchObject({ qualityRating: 'RED', messagingTier: '10000' });

    await publish(fixtureEvents('phone-quality--bindambc-1.json', wabaId, { time: 1608243100, value: { event: 'UNFLAGGED', current_limit: 'TIER_100K' } }));
    await waitFor(async () => (await view()).body.messagingTier === '100000', { what: 'the newer quality update applies' });
    expect((await view()).body.qualityRating).toBe('GREEN');
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.tier === '100000', { what: 'dispatcher tier 100000', timeoutMs: 10000 });
    // the other tenant's number with the same display digits (another WABA) is untouched
    expect((await view(tenants[1]!, otherNumberId)).body).toMatchObject({ qualityRating: null, messagingTier: '250' });
  });

  it('raises the dispatcher\'s rate to 1000 mps on a throughput upgrade, and caps a coexistence number at 20 mps whatever else says', async () => {
    await publish(fixtureEvents('phone-quality--bindambc-1.json', wabaId, { time: 1608243200, value: { event: 'THROUGHPUT_UPGRADE', current_limit: undefined } }));
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.mps === 1000, { what: 'dispatcher at 1000 mps', timeoutMs: 10000 });
    expect((await view()).body.throughputMps).toBe(1000);

    const patched = await h.admin('PATCH', `/admin/v1/tenants/${tenants[0]!.id}/phone-numbers/${phoneNumberId}`, { coexistence: true });
    expect(patched.status).toBe(200);
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.mps === 20, { what: 'dispatcher capped at 20 mps', timeoutMs: 10000 });
    expect((await view()).body).toMatchObject({ coexistence: true, throughputMps: 20 });
    await h.admin('PATCH', `/admin/v1/tenants/${tenants[0]!.id}/phone-numbers/${phoneNumberId}`, { coexistence: false });
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.mps === 1000, { what: 'back to 1000 mps', timeoutMs: 10000 });
  });

  it('refuses sends at accept with 422 number_not_allowed while the WABA review is rejected, and pauses the number in the dispatcher', async () => {
    await publish(fixtureEvents('account-review--bindambc-1.json', wabaId, { time: 1700000000, value: { decision: 'REJECTED' } }));
    await waitFor(async () => (await view()).body.maySend === false, { what: 'review rejected applied' });
    expect((await view()).body).toMatchObject({ status: 'paused', blocked: { reason: 'account_review_rejected' } });
    const refused = await sendText();
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'number_not_allowed', details: { reason: 'account_review_rejected' } });
    const compat = await h.api(tenants[0]!.key, 'POST', `/v23.0/${phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'hi' } });
    expect(compat.status).toBe(400);
    expect(compat.body.error.code).toBe(131031);
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.status === 'paused', { what: 'dispatcher holds the number', timeoutMs: 10000 });
    expect((await dispatcher.number(phoneNumberId))?.paused_reason).toContain('account_review_rejected');

    await publish(fixtureEvents('account-review--bindambc-1.json', wabaId, { time: 1700000100 }));
    await waitFor(async () => (await view()).body.maySend === true, { what: 'review approved applied' });
    expect((await sendText()).status).toBe(202);
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.status === 'active', { what: 'dispatcher resumes the number', timeoutMs: 10000 });
  });

  it('blocks sending while a messaging restriction lasts and lifts it when it expires (injected clock)', async () => {
    const expiration = Math.floor(clock.now() / 1000) + 3600;
    await publish(fixtureEvents('account-update--pywa-1.json', wabaId, {
      time: 1700000200,
      value: { restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration }] },
    }));
    await waitFor(async () => (await view()).body.maySend === false, { what: 'restriction applied' });
    const refused = await sendText();
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual({ reason: 'account_restricted', until: new Date(expiration * 1000).toISOString() });

    clock.advance(3601_000);
    await h.gw.app.get(AccountStateRefresher).tick();
    expect((await view()).body).toMatchObject({ maySend: true, status: 'active' });
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.status === 'active', { what: 'dispatcher active after expiry', timeoutMs: 10000 });
  });

  it('reads quality, tier, name, throughput, coexistence and the WABA\'s review and verification back from Graph on the refresh interval', async () => {
    graphAnswers.set(phoneNumberId, {
      id: phoneNumberId, display_phone_number: '+1 650-555-1111', quality_rating: 'YELLOW', messaging_limit_tier: 'TIER_1K',
      name_status: 'PENDING_REVIEW', throughput: { level: 'STANDARD' }, is_on_biz_app: true,
    });
    graphAnswers.set(wabaId, { id: wabaId, account_review_status: 'APPROVED', business_verification_status: 'VERIFIED' });
    clock.advance(7 * 3600_000); // past META_STATE_REFRESH_INTERVAL_MS (6 h) since registration
    await h.gw.app.get(AccountStateRefresher).tick();
    expect((await view()).body).toMatchObject({ qualityRating: 'YELLOW', messagingTier: '1000', nameStatus: 'PENDING_REVIEW', throughputMps: 20, coexistence: true });
    const profile = await h.api(tenants[0]!.key, 'GET', '/v1/business-profile');
    expect(profile.body).toMatchObject({ businessVerificationStatus: 'verified', wabas: [{ wabaId, reviewStatus: 'APPROVED', businessVerificationStatus: 'verified', maySend: true }] });
    await waitFor(async () => (await dispatcher.number(phoneNumberId))?.mps === 20, { what: 'dispatcher follows the refresh', timeoutMs: 10000 });

    // a webhook older than the Graph read does not override it
    await publish(fixtureEvents('phone-quality--bindambc-1.json', wabaId, { time: Math.floor(clock.now() / 1000) - 60, value: { event: 'FLAGGED' } }));
    await publish(fixtureEvents('account-update--pywa-1.json', wabaId, {
      time: Math.floor(clock.now() / 1000) + 60, value: { event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE', partner_client_certification_info: { status: 'REJECTED' } },
    }));
    await waitFor(async () => (await h.api(tenants[0]!.key, 'GET', '/v1/business-profile')).body.businessVerificationStatus === 'rejected', { what: 'verification from the webhook' });
    expect((await view()).body.qualityRating).toBe('YELLOW');

    // a Graph that does not know throughput/is_on_biz_app still gives the reference fields
    extraFieldsUnknown = true;
    graphAnswers.set(phoneNumberId, { ...graphAnswers.get(phoneNumberId), quality_rating: 'GREEN', messaging_limit_tier: 'TIER_10K' });
    clock.advance(7 * 3600_000);
    await h.gw.app.get(AccountStateRefresher).tick();
    expect((await view()).body).toMatchObject({ qualityRating: 'GREEN', messagingTier: '10000', coexistence: true });
    extraFieldsUnknown = false;
  });

  it('shows a tenant only its own numbers (another tenant\'s is a 404)', async () => {
    const mine = await h.api(tenants[0]!.key, 'GET', '/v1/phone-numbers');
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((n: { phoneNumberId: string }) => n.phoneNumberId)).toEqual([phoneNumberId]);
    expect(JSON.stringify(mine.body)).not.toContain('token');
    expect((await view(tenants[1]!, phoneNumberId)).status).toBe(404);
    expect((await view(tenants[0]!, otherNumberId)).status).toBe(404);
  });

  it('validates and scopes the business profile', async () => {
    const [me, other] = [tenants[0]!, tenants[1]!];
    const bad = await h.api(me.key, 'PUT', '/v1/business-profile', { legalName: 'Acme GmbH', displayName: 'Acme', category: 'Shop', email: 'not-an-email', vertical: 'SPACESHIPS' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect(JSON.stringify(bad.body)).toMatch(/email/);
    expect((await h.api(me.key, 'PUT', '/v1/business-profile', { displayName: 'Acme', category: 'Shop' })).status).toBe(400);
    const put = await h.api(me.key, 'PUT', '/v1/business-profile', {
      legalName: 'Acme GmbH', displayName: 'Acme', category: 'Online shop', vertical: 'RETAIL', website: 'https://acme.example',
      email: 'ops@acme.example', phone: '+4930123456', address: { street: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ legalName: 'Acme GmbH', vertical: 'RETAIL', address: { country: 'DE' } });
    expect((await h.api(me.key, 'GET', '/v1/business-profile')).body.legalName).toBe('Acme GmbH');
    const theirs = await h.api(other.key, 'GET', '/v1/business-profile');
    expect(theirs.body).toMatchObject({ legalName: null, businessVerificationStatus: 'not_verified' });
    expect(theirs.body.wabas.map((w: { wabaId: string }) => w.wabaId)).not.toContain(wabaId);
  });
});
