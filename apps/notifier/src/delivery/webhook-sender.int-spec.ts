import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckedTarget } from '@wabridge/http';
import { WebhookSender } from './webhook-sender';

/** One POST of the notifier to real local HTTP servers (ADR 0217: undici pools). */
describe('WebhookSender', () => {
  const servers: http.Server[] = [];
  const senders: WebhookSender[] = [];
  afterEach(async () => {
    for (const s of senders.splice(0)) s.close();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); })));
  });

  async function serve(handler: http.RequestListener): Promise<number> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }
  const sender = (timeoutMs = 2000): WebhookSender => {
    const s = new WebhookSender(timeoutMs);
    senders.push(s);
    return s;
  };
  const target = (url: string): CheckedTarget => ({ url: new URL(url), address: '127.0.0.1', family: 4 });

  it('posts the exact body with the signature headers to the checked address, and keeps the connection', async () => {
    const seen: { host?: string; headers: http.IncomingHttpHeaders; body: string; clientPort?: number }[] = [];
    const port = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ host: req.headers.host, headers: req.headers, body, clientPort: req.socket.remotePort });
        res.writeHead(204).end();
      });
    });
    const s = sender();
    // a host name that does not resolve: the connection must go to the checked address, without DNS
    const t = target(`http://hooks.example.invalid:${port}/in?x=1`);
    const body = JSON.stringify({ type: 'message.received', text: 'héllo' });
    const first = await s.post(t, { 'webhook-id': 'evt_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc' }, body);
    const second = await s.post(t, { 'webhook-id': 'evt_2', 'webhook-timestamp': '1700000001', 'webhook-signature': 'v1,def' }, body);
    expect(first).toMatchObject({ ok: true, statusCode: 204 });
    expect(second).toMatchObject({ ok: true, statusCode: 204 });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.host).toBe(`hooks.example.invalid:${port}`);
    expect(seen[0]!.body).toBe(body);
    expect(seen[0]!.headers).toMatchObject({
      'webhook-id': 'evt_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc',
      'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Wabridge-Webhooks/1',
    });
    expect(seen[0]!.headers.traceparent).toBeUndefined();
    // keep-alive: the next POSTs reuse connections instead of opening one each
    for (let i = 3; i <= 6; i++) expect(await s.post(t, { 'webhook-id': `evt_${i}` }, body)).toMatchObject({ ok: true });
    expect(new Set(seen.map((x) => x.clientPort)).size).toBeLessThanOrEqual(2);
  });

  it('does not follow a redirect: the attempt fails naming the location', async () => {
    let followed = 0;
    const elsewhere = await serve((_req, res) => {
      followed++;
      res.writeHead(200).end();
    });
    const port = await serve((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${elsewhere}/x` }).end());
    const r = await sender().post(target(`http://127.0.0.1:${port}/hook`), {}, '{}');
    expect(r).toMatchObject({ ok: false, statusCode: 302, error: `redirect to http://127.0.0.1:${elsewhere}/x not followed` });
    expect(followed).toBe(0);
  });

  it('keeps at most 512 characters of an error answer', async () => {
    const port = await serve((_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('e'.repeat(100_000)));
    const r = await sender().post(target(`http://127.0.0.1:${port}/hook`), {}, '{}');
    expect(r.ok).toBe(false);
    expect(r.statusCode).toBe(503);
    expect(r.error).toBe(`HTTP 503: ${'e'.repeat(512)}`);
  });

  it('gives up after the timeout when the endpoint never answers', async () => {
    const port = await serve(() => undefined);
    const started = Date.now();
    const r = await sender(300).post(target(`http://127.0.0.1:${port}/hook`), {}, '{}');
    expect(r).toMatchObject({ ok: false, error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('counts a 2xx whose body stops halfway as delivered, and an error answer that stops halfway as a timeout; neither waits past the timeout', async () => {
    const halfway = (status: number): http.RequestListener => (_req, res) => {
      res.writeHead(status, { 'content-length': '100' });
      res.write('only a part');
    };
    const s = sender(300);
    for (const [status, expected] of [[200, { ok: true, statusCode: 200 }], [500, { ok: false, error: 'no answer within 300 ms' }]] as const) {
      const port = await serve(halfway(status));
      const started = Date.now();
      expect(await s.post(target(`http://127.0.0.1:${port}/hook`), {}, '{}')).toMatchObject(expected);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('reports a refused connection as a failed attempt, and answers without throwing once closed', async () => {
    const port = await serve(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const s = sender();
    const refused = await s.post(target(`http://127.0.0.1:${port}/hook`), {}, '{}');
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/ECONNREFUSED/);
    s.close();
    expect(await s.post(target(`http://127.0.0.1:${port}/hook`), {}, '{}')).toMatchObject({ ok: false, error: 'the notifier is shutting down' });
  });
});
