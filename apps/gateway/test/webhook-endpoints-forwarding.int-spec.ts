import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@wabridge/http';
import { Harness, INTERNAL_TOKEN, seedTenant, startGateway, TenantFixture } from '../src/testing/gateway-harness';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends `path` byte for byte (fetch would normalize dot segments itself) and returns the status. */
function rawStatus(baseUrl: string, path: string, key: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\nconnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text }));
  });
}

/**
 * `/v1/webhook-endpoints…` reaches the notifier through the hardened forwarder (ADR 0068, 0091):
 * a recording HTTP server stands in for the notifier and shows what the gateway sends it.
 */
describe('gateway forwards /v1/webhook-endpoints to the notifier', () => {
  let h: Harness;
  let a: TenantFixture;
  let b: TenantFixture;
  let notifier: Server;
  const seen: Seen[] = [];

  beforeAll(async () => {
    notifier = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.method === 'POST' && req.url === '/v1/webhook-endpoints') {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'we_1', url: JSON.parse(body).url, secret: 'whsec_c2VjcmV0', events: [], enabled: true }));
          return;
        }
        res.writeHead(req.url!.includes('/replay') ? 202 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url: req.url }));
      });
    });
    await new Promise<void>((r) => notifier.listen(0, '127.0.0.1', r));
    h = await startGateway({ NOTIFIER_URL: `http://127.0.0.1:${(notifier.address() as AddressInfo).port}` });
    [a, b] = await Promise.all([seedTenant(h), seedTenant(h)]);
  }, 60000);
  afterAll(async () => {
    await h?.close();
    notifier?.closeAllConnections();
    notifier?.close();
  });

  const last = (): Seen => seen[seen.length - 1]!;

  it("creates an endpoint through the notifier with the caller's tenant and the internal token, and answers the notifier's 201", async () => {
    const res = await h.api(a.key, 'POST', '/v1/webhook-endpoints', { url: 'https://crm.example.com/hook', events: ['message.received'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'we_1', url: 'https://crm.example.com/hook', secret: 'whsec_c2VjcmV0', enabled: true });
    expect(last()).toMatchObject({ method: 'POST', url: '/v1/webhook-endpoints' });
    expect(last().headers[TENANT_HEADER]).toBe(a.tenantId);
    expect(last().headers[INTERNAL_TOKEN_HEADER]).toBe(INTERNAL_TOKEN);
    expect(JSON.parse(last().body)).toEqual({ url: 'https://crm.example.com/hook', events: ['message.received'] });
    // the tenant's own API key never reaches the internal service
    expect(last().headers.authorization).toBeUndefined();
  });

  it("maps another tenant's key to that tenant, on every sub-route with its query", async () => {
    for (const [method, path] of [
      ['GET', '/v1/webhook-endpoints'],
      ['GET', '/v1/webhook-endpoints/we_1'],
      ['PATCH', '/v1/webhook-endpoints/we_1'],
      ['DELETE', '/v1/webhook-endpoints/we_1'],
      ['POST', '/v1/webhook-endpoints/we_1/replay?since=2026-01-01T00:00:00Z&types=message.received,message.status'],
      ['GET', '/v1/webhook-endpoints/we_1/deliveries'],
      ['POST', '/v1/webhook-endpoints/we_1/test'],
      ['POST', '/v1/webhook-endpoints/we_1/rotate-secret'],
    ] as const) {
      const res = await h.api(b.key, method, path, method === 'PATCH' ? { enabled: false } : undefined);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: path.includes('/replay') ? 202 : 200 });
      expect({ method, url: last().url, tenant: last().headers[TENANT_HEADER] }).toEqual({ method, url: path, tenant: b.tenantId });
    }
    expect(b.tenantId).not.toBe(a.tenantId);
  });

  it('refuses a key without the webhooks scope with 403 and forwards nothing', async () => {
    const key = await h.admin('POST', `/admin/v1/tenants/${a.tenantId}/api-keys`, { scopes: ['messages:send', 'contacts'] });
    expect(key.status).toBe(201);
    const before = seen.length;
    const res = await h.api(key.body.key, 'GET', '/v1/webhook-endpoints');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(seen.length).toBe(before);

    const scoped = await h.admin('POST', `/admin/v1/tenants/${a.tenantId}/api-keys`, { scopes: ['webhooks'] });
    expect(scoped.body.scopes).toEqual(['webhooks']);
    expect((await h.api(scoped.body.key, 'GET', '/v1/webhook-endpoints')).status).toBe(200);
    expect(last().headers[TENANT_HEADER]).toBe(a.tenantId);
  });

  it('gives the first key of a tenant the webhooks scope', async () => {
    const t = await h.admin('POST', '/admin/v1/tenants', { name: `scopes-${Date.now()}` });
    expect(t.body.apiKey.scopes).toContain('webhooks');
  });

  it.each([
    '/v1/webhook-endpoints/../../metrics',
    '/v1/webhook-endpoints/%2e%2e/%2e%2e/health/ready',
    '/v1/webhook-endpoints/..%2f..%2fmetrics',
    '/v1/webhook-endpoints/%252e%252e/%252e%252e/metrics',
    '/v1/webhook-endpoints/x/..\\..\\..\\metrics',
  ])('refuses the traversal %s with 400 and forwards nothing', async (path) => {
    const before = seen.length;
    const res = await rawStatus(h.url, path, a.key);
    expect(res.status).toBe(400);
    expect(res.text).toContain('"code":"invalid_path"');
    expect(seen.length).toBe(before);
  });

  it('answers 502 naming the notifier when it is down', async () => {
    const gw = await startGateway({ NOTIFIER_URL: 'http://127.0.0.1:1' });
    try {
      const fx = await seedTenant(gw);
      const res = await gw.api(fx.key, 'GET', '/v1/webhook-endpoints');
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({ code: 'upstream_unavailable', message: expect.stringContaining('notifier') });
    } finally {
      await gw.close();
    }
  });
});
