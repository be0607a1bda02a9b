import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Harness, INTERNAL_TOKEN, seedTenant, startGateway, TenantFixture } from '../testing/gateway-harness';
import { RunningSandbox, startSandbox } from '../testing/sandbox';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A stand-in internal service (contacts/media/analytics) that records what reached it. */
async function startService(handler: (req: Seen, res: import('node:http').ServerResponse) => void): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('gateway edges', () => {
  describe('limits', () => {
    let h: Harness;
    let fx: TenantFixture;
    beforeAll(async () => {
      h = await startGateway({ RATE_LIMIT_PER_MINUTE: '3', BODY_LIMIT_BYTES: '2048' });
      fx = await seedTenant(h);
    });
    afterAll(() => h?.close());

    it('answers 429 with Retry-After once a key exceeds its per-minute rate, without affecting other keys', async () => {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<Harness['api']>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await h.api(fx.key, 'GET', '/v1/messages');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last!.body.error.code).toBe('rate_limited');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const other = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/api-keys`, {});
      expect((await h.api(other.body.key, 'GET', '/v1/messages')).status).toBe(200);
    });

    it('answers 413 in our error shape for a body over the limit', async () => {
      const other = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/api-keys`, {});
      const res = await h.api(other.body.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: '+14155550123', type: 'text', text: { body: 'x'.repeat(3000) } });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
    });
  });

  describe('forwarding to internal services', () => {
    let h: Harness;
    let fx: TenantFixture;
    let contacts: Awaited<ReturnType<typeof startService>>;
    let analytics: Awaited<ReturnType<typeof startService>>;
    let media: Awaited<ReturnType<typeof startService>>;
    beforeAll(async () => {
      contacts = await startService((req, res) => {
        // a bulk import answers only when the whole upload is processed
        const delay = req.url.startsWith('/v1/contacts/import') ? 900 : 0;
        setTimeout(() => {
          res.writeHead(req.method === 'DELETE' ? 204 : 200, { 'content-type': 'application/json', etag: '"v1"' });
          res.end(req.method === 'DELETE' ? undefined : JSON.stringify({ data: [], nextCursor: null, echo: req.url }));
        }, delay);
      });
      analytics = await startService(() => undefined); // never answers
      media = await startService((req, res) => {
        res.writeHead(201, { 'content-type': 'application/json', location: '/v1/media/m1' });
        res.end(JSON.stringify({ id: 'm1', size: req.body.length }));
      });
      h = await startGateway({ CONTACTS_URL: contacts.url, ANALYTICS_URL: analytics.url, MEDIA_URL: media.url, CONVERSATIONS_URL: contacts.url, CAMPAIGNS_URL: contacts.url, FORWARD_TIMEOUT_MS: '300', FORWARD_IMPORT_TIMEOUT_MS: '5000' });
      fx = await seedTenant(h);
    });
    afterAll(async () => {
      await h?.close();
      for (const s of [contacts, analytics, media]) {
        s?.server.closeAllConnections();
        s?.server.close();
      }
    });

    it('forwards /v1/contacts with the tenant id and internal token, path, query and body intact', async () => {
      const res = await h.api(fx.key, 'GET', '/v1/contacts?phoneNumberId=1&optedOut=false', undefined, { 'x-tenant-id': 'someone-else', 'x-internal-token': 'forged' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], nextCursor: null, echo: '/v1/contacts?phoneNumberId=1&optedOut=false' });
      expect(res.headers.get('etag')).toBe('"v1"');
      const got = contacts.seen.at(-1)!;
      expect(got.headers['x-tenant-id']).toBe(fx.tenantId);
      expect(got.headers['x-internal-token']).toBe(INTERNAL_TOKEN);
      expect(got.headers.authorization).toBeUndefined();
      const patch = await h.api(fx.key, 'PATCH', '/v1/contacts/c1', { tags: ['vip'] });
      expect(patch.status).toBe(200);
      expect(contacts.seen.at(-1)).toMatchObject({ method: 'PATCH', url: '/v1/contacts/c1' });
      expect(JSON.parse(contacts.seen.at(-1)!.body.toString())).toEqual({ tags: ['vip'] });
      expect((await h.api(fx.key, 'DELETE', '/v1/contacts/c1')).status).toBe(204);
    });

    it('streams a media upload through untouched', async () => {
      const form = new FormData();
      const bytes = Buffer.alloc(50_000, 7);
      form.append('file', new Blob([bytes], { type: 'image/png' }), 'a.png');
      const res = await fetch(`${h.url}/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}` }, body: form });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/v1/media/m1');
      const got = media.seen.at(-1)!;
      expect(got.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(got.body.includes(bytes)).toBe(true);
    });

    it('answers 403 and forwards nothing without the scope', async () => {
      const key = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/api-keys`, { scopes: ['messages:send'] });
      const before = contacts.seen.length;
      const res = await h.api(key.body.key, 'GET', '/v1/contacts');
      expect(res.status).toBe(403);
      expect((await h.api(key.body.key, 'GET', '/v1/media/m1')).status).toBe(403);
      expect(contacts.seen.length).toBe(before);
      expect((await fetch(`${h.url}/v1/contacts`)).status).toBe(401);
    });

    it('keeps conversations, automation rules and campaigns behind their scopes (403, nothing forwarded) and forwards them with the scope', async () => {
      const paths = ['/v1/conversations', '/v1/automations/rules', '/v1/campaigns'];
      const sendOnly = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/api-keys`, { scopes: ['messages:send'] });
      const before = contacts.seen.length;
      for (const path of paths) expect({ path, status: (await h.api(sendOnly.body.key, 'GET', path)).status }).toEqual({ path, status: 403 });
      expect(contacts.seen.length).toBe(before);
      const conversationsOnly = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/api-keys`, { scopes: ['conversations'] });
      expect((await h.api(conversationsOnly.body.key, 'GET', '/v1/automations/rules')).status).toBe(200);
      expect(contacts.seen.at(-1)).toMatchObject({ method: 'GET', url: '/v1/automations/rules' });
      expect((await h.api(conversationsOnly.body.key, 'GET', '/v1/campaigns')).status).toBe(403);
      for (const path of paths) expect({ path, status: (await h.api(fx.key, 'GET', path)).status }).toEqual({ path, status: 200 });
    });

    it('waits for a bulk contacts import longer than the normal forward timeout', async () => {
      const res = await fetch(`${h.url}/v1/contacts/import?phoneNumberId=${fx.phoneNumberId}`, {
        method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'text/csv' }, body: 'wa_id\n4915100000001\n',
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { echo: string }).echo).toContain('/v1/contacts/import');
    });

    it('answers 504 when the service is too slow and 502 when it is down', async () => {
      const slow = await h.api(fx.key, 'GET', '/v1/analytics/summary');
      expect(slow.status).toBe(504);
      expect(slow.body.error.code).toBe('upstream_timeout');
      media.server.closeAllConnections();
      await new Promise((r) => media.server.close(r));
      const down = await h.api(fx.key, 'GET', '/v1/media/m1');
      expect(down.status).toBe(502);
      expect(down.body.error.code).toBe('upstream_unavailable');
    });
  });

  describe('mark as read', () => {
    let h: Harness;
    let sandbox: RunningSandbox;
    let fx: TenantFixture;
    const numberId = `5${Date.now()}`;
    beforeAll(async () => {
      sandbox = await startSandbox([{ phoneNumberId: numberId, wabaId: `6${Date.now()}`, accessToken: 'sandbox-token' }]);
      h = await startGateway();
      const t = await h.admin('POST', '/admin/v1/tenants', { name: 'reader' });
      await h.admin('POST', '/admin/v1/apps', { appId: 'readapp', appSecret: 's', verifyToken: 'v' });
      const n = await h.admin('POST', `/admin/v1/tenants/${t.body.id}/phone-numbers`, {
        phoneNumberId: numberId, displayPhoneNumber: '15550100000', wabaId: `6${Date.now()}`, appId: 'readapp', accessToken: 'sandbox-token', graphBaseUrl: sandbox.url,
      });
      expect(n.status).toBe(201);
      fx = { tenantId: t.body.id, key: t.body.apiKey.key, phoneNumberId: numberId, wabaId: '', appId: 'readapp' };
    });
    afterAll(async () => {
      await h?.close();
      await sandbox?.close();
    });

    it('marks an inbound message read through the number\'s Graph API', async () => {
      const inbound = await fetch(`${sandbox.url}/_sandbox/inbound`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phoneNumberId: numberId, from: '14155550123', message: { type: 'text', text: { body: 'hi' } } }),
      }).then((r) => r.json() as Promise<{ wamid: string }>);
      const res = await h.api(fx.key, 'POST', `/v1/messages/${encodeURIComponent(inbound.wamid)}/read`, { phoneNumberId: numberId });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      const calls = (await fetch(`${sandbox.url}/_sandbox/calls?phoneNumberId=${numberId}`).then((r) => r.json())) as { calls: { body: any }[] };
      expect(calls.calls.some((c) => c.body?.status === 'read' && c.body?.message_id === inbound.wamid)).toBe(true);
    });

    it('answers 404 for another tenant\'s number', async () => {
      const other = await h.admin('POST', '/admin/v1/tenants', { name: 'nosy' });
      const res = await h.api(other.body.apiKey.key, 'POST', '/v1/messages/wamid.x/read', { phoneNumberId: numberId });
      expect(res.status).toBe(404);
    });
  });
});
