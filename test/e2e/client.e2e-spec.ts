import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { isWebhookEvent, verifyWebhook, WabridgeApiError, WabridgeClient, WebhookEvent, WebhookVerificationError } from '@wabridge/client';
import { waitFor } from '@wabridge/testing';
import { call, Platform } from './platform-harness';

// @wabridge/client (issue 21) against the running platform: the gateway, the dispatcher and the
// sandbox as Meta, the notifier delivering signed webhooks to a receiver of this test. Every
// API call below goes through the client.
const NUMBER = { phoneNumberId: '109000000000521', displayPhoneNumber: '15550000521', wabaId: '209000000000521', accessToken: 'e2e-client-token' };
const USERS = ['4915112340521', '4915112340522', '4915112340523'];
const hello = (to: string) => ({ phoneNumberId: NUMBER.phoneNumberId, to: `+${to}`, type: 'template' as const, template: { name: 'hello_world', language: { code: 'en_US' } } });

interface Delivery { headers: IncomingHttpHeaders; raw: Buffer }

describe('@wabridge/client against the running gateway', () => {
  let platform: Platform;
  let client: WabridgeClient;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: Delivery[] = [];
  let tenantId: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    // a low per-key rate limit, so the client meets real 429s with Retry-After
    platform = new Platform({ notifier: true, serviceEnv: { gateway: { RATE_LIMIT_PER_MINUTE: '60' } } });
    await platform.start();
    const apiKey = await platform.onboard(NUMBER);
    client = new WabridgeClient({ baseUrl: platform.get('gateway').url, apiKey, timeoutMs: 15_000 });
    const tenants = await call('GET', `${platform.get('gateway').url}/admin/v1/tenants`, undefined, { authorization: `Bearer ${platform.adminToken}` });
    tenantId = (tenants.body.data as { id: string; name: string }[]).find((t) => t.name === `t-${platform.suffix}`)!.id;
  }, 300000);

  afterAll(async () => {
    await platform?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  }, 120000);

  it('sends messages (idempotently), pages the list, and verifies the signed webhooks they cause', async () => {
    const endpoint = await client.post('/v1/webhook-endpoints', { body: { url: receiverUrl, events: ['message.accepted', 'message.status'] } });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const sent = [];
    for (const to of USERS) sent.push(await client.sendMessage(hello(to), { idempotencyKey: `client-${platform.suffix}-${to}` }));
    expect(sent.map((s) => s.status)).toEqual(['accepted', 'accepted', 'accepted']);
    // the same key and body again: the same message, not a second one
    const again = await client.call('post', '/v1/messages', { body: hello(USERS[0]!), idempotencyKey: `client-${platform.suffix}-${USERS[0]}` });
    expect(again.data.id).toBe(sent[0]!.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    // two per page: three messages in two pages, each once, following nextCursor
    const pages = [];
    for await (const page of client.pages('/v1/messages', { query: { limit: 2 } })) pages.push(page);
    expect(pages.map((p) => p.data.length)).toEqual([2, 1]);
    expect(pages[1]!.nextCursor).toBeNull();
    const listed = [];
    for await (const m of client.paginate('/v1/messages', { query: { limit: 2 } })) listed.push(m.id); // typed: the document describes the page
    expect(listed.sort()).toEqual(sent.map((s) => s.id).sort());

    // each send reaches Meta (the sandbox) once and becomes sent
    for (const s of sent) {
      const view = await waitFor(async () => {
        const m = await client.get('/v1/messages/{id}', { path: { id: s.id } });
        return m.wamid ? m : undefined;
      }, { timeoutMs: 60000, what: `message ${s.id} sent` });
      expect(view.wamid).toMatch(/^wamid\./);
    }

    // the notifier's deliveries verify with the endpoint's secret and are typed by `type`
    const events = await waitFor(() => {
      const verified = deliveries.map((d) => verifyWebhook(endpoint.secret!, d.headers, d.raw));
      const accepted = verified.filter((e) => isWebhookEvent(e, 'message.accepted'));
      const statuses = verified.filter((e): e is Extract<WebhookEvent, { type: 'message.status' }> => isWebhookEvent(e, 'message.status') && e.data.status === 'sent');
      return accepted.length >= 3 && statuses.length >= 3 ? { accepted, statuses } : undefined;
    }, { timeoutMs: 60000, what: 'message.accepted and message.status sent for the three sends' });
    for (const e of events.accepted) {
      if (!isWebhookEvent(e, 'message.accepted')) throw new Error('narrowing');
      expect(e.data.tenantId).toBe(tenantId);
    }
    expect(events.statuses.map((e) => e.data.messageId).sort()).toEqual(sent.map((s) => s.id).sort());

    // a delivery whose body was altered on the way does not verify
    const one = deliveries[0]!;
    const tampered = Buffer.from(one.raw.toString('utf8').replace(NUMBER.phoneNumberId, '109000000000999'));
    expect(() => verifyWebhook(endpoint.secret!, one.headers, tampered)).toThrow(WebhookVerificationError);
  }, 240000);

  it('turns error answers into typed errors with code, message and details', async () => {
    const bad = await client.sendMessage({ ...hello(USERS[0]!), phoneNumberId: 'not-a-number' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(WabridgeApiError);
    expect(bad).toMatchObject({ status: 400, attempts: 1 });
    expect((bad as WabridgeApiError).code).toMatch(/^[a-z_]+$/);
    expect((bad as WabridgeApiError).details).toBeDefined();
    await expect(client.get('/v1/messages/{id}', { path: { id: '01J00000000000000000000000' } })).rejects.toMatchObject({ status: 404, code: 'not_found' });
    const unauthorized = new WabridgeClient({ baseUrl: platform.get('gateway').url, apiKey: 'wbk_live_aaaaaaaaaaaa_' + 'a'.repeat(43) });
    await expect(unauthorized.get('/v1/messages/{id}', { path: { id: 'x' } })).rejects.toMatchObject({ status: 401 });
  }, 60000);

  it('waits out 429 answers for their Retry-After and gets every answer', async () => {
    // a fresh key of the same tenant: its own bucket of 60 requests, refilled at 1 per second
    const key = await call('POST', `${platform.get('gateway').url}/admin/v1/tenants/${tenantId}/api-keys`, {}, { authorization: `Bearer ${platform.adminToken}` });
    expect(key.status).toBe(201);
    const impatient = new WabridgeClient({ baseUrl: platform.get('gateway').url, apiKey: key.body.key, retry: { maxRetries: 0 } });
    // 65 at once against a bucket of 60: five are refused with Retry-After 1 and come back as
    // the bucket refills (one per second); ten retries leave room for that
    const patient = new WabridgeClient({ baseUrl: platform.get('gateway').url, apiKey: key.body.key, retry: { maxRetries: 10, maxDelayMs: 10_000 } });
    const results = await Promise.all(Array.from({ length: 65 }, () => patient.call('get', '/v1/messages', { query: { limit: 1 } })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.attempts > 1).length).toBeGreaterThan(0); // some were refused first and retried
    // right after the burst the bucket holds a token or two: without retries the rest are refused, saying how long to wait
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => impatient.get('/v1/messages', { query: { limit: 1 } }).then(() => 'ok', (e: unknown) => e)));
    const refused = outcomes.filter((o): o is WabridgeApiError => o instanceof WabridgeApiError);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const e of refused) {
      expect(e).toMatchObject({ status: 429, code: 'rate_limited', attempts: 1 });
      expect(Number(e.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  }, 120000);
});
