import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTcpServer, AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { MetaGraphClient } from './graph.client';
import { GraphFailure, GraphOutcome } from './graph-outcome';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number;
}

/** A Graph stand-in on 127.0.0.1: records each request, answers with the test's handler. */
class LocalGraph {
  readonly seen: Seen[] = [];
  connections = 0;
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), remotePort: req.socket.remotePort! });
      this.handler(req, res);
    });
  });

  async start(): Promise<string> {
    this.server.on('connection', () => (this.connections += 1));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function failure(outcome: GraphOutcome | { ok: boolean }): GraphFailure {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome as GraphFailure;
}

describe('MetaGraphClient', () => {
  const graph = new LocalGraph();
  let base: string;
  let client: MetaGraphClient;

  beforeAll(async () => {
    base = await graph.start();
  });
  beforeEach(() => {
    client = new MetaGraphClient({ timeoutMs: 2000 });
    graph.seen.length = 0;
    graph.connections = 0;
  });
  afterEach(() => client.close());
  afterAll(() => graph.stop());

  it('calls {base}/{version}/{path}?query with the bearer token and a JSON body, and returns the parsed answer', async () => {
    graph.handler = json(200, { success: true });
    const r = await client.request({ baseUrl: `${base}/graph/`, version: 'v23.0', token: 'tok-1' }, 'POST', '/123/register', {
      body: { messaging_product: 'whatsapp', pin: '123456' }, query: { fields: 'a,b', x: 'é&' },
    });
    expect(r).toEqual({ ok: true, status: 200, body: { success: true } });
    const seen = graph.seen[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/graph/v23.0/123/register?fields=a%2Cb&x=%C3%A9%26');
    expect(seen.headers.authorization).toBe('Bearer tok-1');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body)).toEqual({ messaging_product: 'whatsapp', pin: '123456' });
  });

  it('sends no Authorization header when the target has no token', async () => {
    await client.request({ baseUrl: base, version: 'v23.0', token: null }, 'GET', 'oauth/access_token', { query: { code: 'c' } });
    expect(graph.seen[0]!.headers.authorization).toBeUndefined();
    expect(graph.seen[0]!.url).toBe('/v23.0/oauth/access_token?code=c');
  });

  it('reuses one kept-alive connection for consecutive calls', async () => {
    const target = { baseUrl: base, version: 'v23.0', token: 't' };
    for (let i = 0; i < 5; i += 1) expect((await client.request(target, 'GET', `n${i}`)).ok).toBe(true);
    expect(graph.seen).toHaveLength(5);
    expect(graph.connections).toBe(1);
    expect(new Set(graph.seen.map((s) => s.remotePort)).size).toBe(1);
  });

  describe('Meta error bodies', () => {
    it('classifies by error.code, not the HTTP status, and says what to do', async () => {
      const body = { error: { message: '(#131056) pair rate limit', type: 'OAuthException', code: 131056, fbtrace_id: 'Atrace' } };
      graph.handler = json(400, body);
      const f = failure(await client.request({ baseUrl: base, version: 'v23.0', token: 't' }, 'POST', '1/messages', { body: {} }));
      expect(f).toMatchObject({ kind: 'http', status: 400, body, outcomeUnknown: false });
      expect(f.error).toMatchObject({ class: 'throttled', code: 131056, message: '(#131056) pair rate limit', fbtraceId: 'Atrace', httpStatus: 400 });
      expect(f.action.retry).toBe('backoff-per-pair');
    });

    it('reads an auth error as "pause the number"', async () => {
      graph.handler = json(401, { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190, error_subcode: 463 } });
      const f = failure(await client.request({ baseUrl: base, version: 'v23.0', token: 'old' }, 'GET', '1'));
      expect(f.error).toMatchObject({ class: 'auth', code: 190, subcode: 463 });
      expect(f.action.pauseNumber).toBe(true);
    });

    it('keeps a non-JSON error answer as text and classifies it by status', async () => {
      graph.handler = (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad gateway</html>');
      };
      const f = failure(await client.request({ baseUrl: base, version: 'v23.0', token: 't' }, 'GET', '1'));
      expect(f).toMatchObject({ kind: 'http', status: 502, body: undefined, raw: '<html>Bad gateway</html>', outcomeUnknown: false });
      expect(f.error).toMatchObject({ class: 'transient', code: undefined, message: 'HTTP 502 without a Graph error body' });
      expect(f.action.retry).toBe('bounded-with-jitter');
    });

    it('returns a non-JSON 2xx answer as raw text', async () => {
      graph.handler = (_req, res) => res.end('OK');
      expect(await client.request({ baseUrl: base, version: 'v23.0', token: 't' }, 'GET', '1')).toEqual({ ok: true, status: 200, body: undefined, raw: 'OK' });
    });
  });

  describe('sendMessage', () => {
    const target = () => ({ baseUrl: base, version: 'v23.0', token: 'tok' });

    it('posts to /{version}/{phone-number-id}/messages and returns the wamid', async () => {
      graph.handler = json(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.X' }] });
      const r = await client.sendMessage(target(), '1555', { to: '49', type: 'text', text: { body: 'hi' } });
      expect(r).toEqual({ ok: true, status: 200, wamid: 'wamid.X' });
      expect(graph.seen[0]).toMatchObject({ method: 'POST', url: '/v23.0/1555/messages' });
      expect(graph.seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength(graph.seen[0]!.body)));
    });

    it('reports a 2xx without messages[0].id as an unknown outcome (Meta may have sent it)', async () => {
      graph.handler = json(200, { messaging_product: 'whatsapp' });
      const f = failure(await client.sendMessage(target(), '1555', {}));
      expect(f).toMatchObject({ kind: 'no-wamid', status: 200, outcomeUnknown: true });
      expect(f.error.class).toBe('transient');
    });
  });

  describe('bounded answers', () => {
    it('refuses an answer whose declared length is over the limit without reading it', async () => {
      const small = new MetaGraphClient({ maxResponseBytes: 1000, timeoutMs: 1500 });
      graph.handler = (_req, res) => {
        // declares 5000 bytes, sends a few, then stalls: only the declared length can decide in time
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
        res.write('{"data":"');
      };
      try {
        const f = failure(await small.request({ baseUrl: base, version: 'v23.0', token: 't' }, 'GET', 'big'));
        expect(f).toMatchObject({ kind: 'too-large', status: 200, outcomeUnknown: true });
        expect(f.error.message).toBe('Graph answered 200 with more than 1000 bytes');
      } finally {
        small.close();
      }
    });

    it('stops reading a chunked answer once it passes the limit', async () => {
      const small = new MetaGraphClient({ maxResponseBytes: 1000 });
      let written = 0;
      graph.handler = (_req, res) => {
        res.writeHead(500, { 'content-type': 'application/json' }); // no content-length: chunked
        const tick = setInterval(() => {
          if (res.destroyed || written > 1_000_000) return clearInterval(tick);
          written += 400;
          res.write('x'.repeat(400));
        }, 1);
      };
      try {
        const f = failure(await small.request({ baseUrl: base, version: 'v23.0', token: 't' }, 'GET', 'stream'));
        expect(f).toMatchObject({ kind: 'too-large', status: 500, outcomeUnknown: false });
        expect(f.error.class).toBe('transient');
        expect(written).toBeLessThan(1_000_000);
      } finally {
        small.close();
      }
    });
  });

  describe('transport failures', () => {
    it('times out a call Graph never answers, outcome unknown', async () => {
      const quick = new MetaGraphClient({ timeoutMs: 200 });
      graph.handler = () => undefined; // never answers
      const started = Date.now();
      try {
        const f = failure(await quick.sendMessage({ baseUrl: base, version: 'v23.0', token: 't' }, '1', { a: 1 }));
        expect(f).toMatchObject({ kind: 'timeout', status: 0, outcomeUnknown: true });
        expect(f.error).toMatchObject({ class: 'transient', httpStatus: undefined, message: 'Graph call timed out after 200 ms' });
        expect(Date.now() - started).toBeLessThan(1500);
      } finally {
        quick.close();
      }
    });

    it('times out a connection that never completes its handshake, nothing sent', async () => {
      // TCP accepts but never speaks TLS: the https connection is never established.
      // (It reads, so it sees the client's close and `silent.close` can finish.)
      const silent: TcpServer = createTcpServer((s: Socket) => s.on('error', () => undefined).resume());
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const port = (silent.address() as AddressInfo).port;
      const quick = new MetaGraphClient({ timeoutMs: 5000, connectTimeoutMs: 150 });
      const started = Date.now();
      try {
        const f = failure(await quick.sendMessage({ baseUrl: `https://127.0.0.1:${port}`, version: 'v23.0', token: 't' }, '1', {}));
        expect(f).toMatchObject({ kind: 'connect-timeout', status: 0, outcomeUnknown: false });
        expect(f.error.class).toBe('transient');
        expect(Date.now() - started).toBeLessThan(2000);
      } finally {
        quick.close();
        await new Promise((r) => silent.close(r));
      }
    });

    it('reports a refused connection as never sent', async () => {
      const closed: TcpServer = createTcpServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      const f = failure(await client.sendMessage({ baseUrl: `http://127.0.0.1:${port}`, version: 'v23.0', token: 't' }, '1', {}));
      expect(f).toMatchObject({ kind: 'network', status: 0, outcomeUnknown: false });
      expect(f.error.message).toBe('Graph call failed: ECONNREFUSED');
    });

    it('reports a connection reset after the request went out as outcome unknown', async () => {
      graph.handler = (req) => req.socket.destroy();
      const f = failure(await client.sendMessage({ baseUrl: base, version: 'v23.0', token: 't' }, '1', {}));
      expect(f).toMatchObject({ kind: 'network', outcomeUnknown: true });
      expect(f.error.class).toBe('transient');
    });

    it('answers a base URL that is not a URL with a failure, not a throw', async () => {
      const f = failure(await client.request({ baseUrl: 'graph.facebook.com', version: 'v23.0', token: 't' }, 'GET', '1'));
      expect(f).toMatchObject({ kind: 'network', outcomeUnknown: false });
      expect(f.error.message).toMatch(/not a URL/);
    });
  });
});
