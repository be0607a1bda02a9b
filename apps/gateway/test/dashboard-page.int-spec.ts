import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Harness, startGateway } from '../src/testing/gateway-harness';

describe('gateway: the analytics dashboard page at /dashboard', () => {
  let h: Harness;
  let server: Server;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url!, headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'", 'x-frame-options': 'DENY', 'set-cookie': 'x=1' });
      res.end('<!doctype html><title>page</title>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    h = await startGateway({ ANALYTICS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await h?.close();
    server?.closeAllConnections();
    server?.close();
  });

  it('serves the page and its script without an API key, with the page\'s security headers, and sends no internal token or tenant', async () => {
    for (const path of ['/dashboard', '/dashboard/dashboard.js', '/dashboard?from=2026-03-10']) {
      const before = seen.length;
      const res = await fetch(`${h.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('<title>page</title>');
      expect(seen.slice(before).map((s) => s.url)).toEqual([path.split('?')[0]]);
      expect(seen[before]!.headers['x-internal-token']).toBeUndefined();
      expect(seen[before]!.headers['x-tenant-id']).toBeUndefined();
    }
  });

  it.each(['/dashboard/../metrics', '/dashboard/%2e%2e/metrics', '/dashboard/a/b.js', '/dashboard/x.map', '/dashboard/..%2fmetrics'])(
    'answers 404 for %s and forwards nothing', async (path) => {
      const before = seen.length;
      const res = await fetch(`${h.url}${path}`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
      expect(seen.length).toBe(before);
    },
  );
});
