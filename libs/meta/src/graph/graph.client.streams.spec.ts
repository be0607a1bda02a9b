import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GraphStreamError } from './graph-outcome';
import { MetaGraphClient } from './graph.client';
import type { GraphDownload, GraphDownloadOutcome, GraphFailure, GraphOutcome } from './graph-outcome';

/** A Graph stand-in on 127.0.0.1 whose handler gets each request unread (bodies are the test's to consume). */
class LocalServer {
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
  private readonly server: Server = createServer((req, res) => this.handler(req, res));

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

interface Received {
  headers: IncomingMessage['headers'];
  url: string;
  bytes: Buffer;
}

/** Reads the whole request, then answers `status` with `answer`. */
function receive(into: Received[], status: number, answer: unknown) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      into.push({ headers: req.headers, url: req.url!, bytes: Buffer.concat(chunks) });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  };
}

/** `bytes` as a stream of `chunk`-sized pieces, each on its own tick (as storage delivers them). */
function chunked(bytes: Buffer, chunk: number): Readable {
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += chunk) {
      await new Promise((r) => setImmediate(r));
      yield bytes.subarray(i, i + chunk);
    }
  }
  return Readable.from(pieces());
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function failure(outcome: GraphOutcome | GraphDownloadOutcome): GraphFailure {
  if (outcome.ok) throw new Error(`expected a failure, got status ${outcome.status}`);
  return outcome;
}

function downloaded(outcome: GraphDownloadOutcome): GraphDownload {
  if (!outcome.ok) throw new Error(`expected a download, got ${outcome.kind}: ${outcome.error.message}`);
  return outcome;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('MetaGraphClient streams', () => {
  const server = new LocalServer();
  let base: string;
  let client: MetaGraphClient;
  const target = () => ({ baseUrl: base, version: 'v23.0', token: 'tok' });

  beforeAll(async () => {
    base = await server.start();
  });
  beforeEach(() => {
    client = new MetaGraphClient({ timeoutMs: 3000 });
  });
  afterEach(() => client.close());
  afterAll(() => server.stop());

  describe('streamed request bodies (uploads)', () => {
    it('sends a body of known length as it is read, intact, with that Content-Length', async () => {
      const seen: Received[] = [];
      server.handler = receive(seen, 200, { id: 'media-1' });
      const bytes = randomBytes(3 * 1024 * 1024 + 17); // several MiB: beyond any socket buffer, so backpressure is exercised
      const r = await client.request(target(), 'POST', '1555/media', {
        stream: { body: chunked(bytes, 64 * 1024), length: bytes.length, contentType: 'multipart/form-data; boundary=x' },
      });
      expect(r).toEqual({ ok: true, status: 200, body: { id: 'media-1' } });
      expect(seen[0]!.url).toBe('/v23.0/1555/media');
      expect(seen[0]!.headers).toMatchObject({ 'content-length': String(bytes.length), 'content-type': 'multipart/form-data; boundary=x', authorization: 'Bearer tok' });
      expect(seen[0]!.bytes.length).toBe(bytes.length);
      expect(sha(seen[0]!.bytes)).toBe(sha(bytes));
    });

    it('sends a body of unknown length chunked, intact', async () => {
      const seen: Received[] = [];
      server.handler = receive(seen, 200, { id: 'media-2' });
      const bytes = randomBytes(200_001);
      const r = await client.request(target(), 'POST', '1555/media', { stream: { body: chunked(bytes, 10_000), contentType: 'application/octet-stream' } });
      expect(r.ok).toBe(true);
      expect(seen[0]!.headers['transfer-encoding']).toBe('chunked');
      expect(seen[0]!.headers['content-length']).toBeUndefined();
      expect(sha(seen[0]!.bytes)).toBe(sha(bytes));
    });

    it('cuts the request off when the body is shorter than declared: a source failure, nothing Graph could act on', async () => {
      const seen: Received[] = [];
      server.handler = receive(seen, 200, { id: 'never' });
      const started = Date.now();
      const f = failure(await client.request(target(), 'POST', '1555/media', { stream: { body: chunked(randomBytes(1000), 100), length: 5000, contentType: 'x/y' } }));
      expect(f).toMatchObject({ kind: 'source', status: 0, outcomeUnknown: false });
      expect(f.error.message).toBe('Graph call not completed: the request body ended after 1000 of its declared 5000 bytes');
      expect(Date.now() - started).toBeLessThan(2000); // not left for the timeout
      expect(seen).toEqual([]); // the server never saw a complete request
    });

    it('cuts the request off when the body is longer than declared', async () => {
      const seen: Received[] = [];
      server.handler = receive(seen, 200, { id: 'never' });
      const f = failure(await client.request(target(), 'POST', '1555/media', { stream: { body: chunked(randomBytes(5000), 1000), length: 2500, contentType: 'x/y' } }));
      expect(f).toMatchObject({ kind: 'source', outcomeUnknown: false });
      expect(f.error.message).toMatch(/longer than its declared 2500 bytes/);
      expect(seen).toEqual([]);
    });

    it('reports a body that fails while being read as a source failure', async () => {
      server.handler = receive([], 200, { id: 'never' });
      async function* broken(): AsyncGenerator<Buffer> {
        yield Buffer.alloc(100);
        await new Promise((r) => setImmediate(r));
        throw new Error('storage read failed');
      }
      const f = failure(await client.request(target(), 'POST', '1555/media', { stream: { body: Readable.from(broken()), length: 1000, contentType: 'x/y' } }));
      expect(f).toMatchObject({ kind: 'source', outcomeUnknown: false });
      expect(f.error.message).toBe('Graph call not completed: the request body failed: storage read failed');
    });

    it('times out an upload Graph stops reading, outcome unknown, and stops reading the source', async () => {
      server.handler = () => undefined; // reads nothing, answers nothing: the socket buffers fill up
      const total = 32 * 1024 * 1024;
      let read = 0;
      const source = new Readable({
        read() {
          read += 64 * 1024;
          this.push(read > total ? null : Buffer.alloc(64 * 1024));
        },
      });
      const started = Date.now();
      const f = failure(await client.request(target(), 'POST', '1555/media', { stream: { body: source, contentType: 'x/y' }, timeoutMs: 300 }));
      expect(f).toMatchObject({ kind: 'timeout', outcomeUnknown: true });
      expect(f.error.message).toBe('Graph call timed out after 300 ms');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(source.destroyed).toBe(true); // an S3 object stream is released, not left open
      expect(read).toBeLessThan(total); // backpressure held while Graph did not read
    });
  });

  describe('streamed answers (downloads)', () => {
    it('streams the body of an absolute URL with the bearer token, with its declared length', async () => {
      const bytes = randomBytes(2 * 1024 * 1024);
      let seen: IncomingMessage | undefined;
      server.handler = (req, res) => {
        seen = req;
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(bytes.length) });
        chunked(bytes, 100_000).pipe(res);
      };
      const d = downloaded(await client.download(`${base}/lookaside/m?mid=1&ext=2`, 'tok', { maxBytes: 10 * 1024 * 1024 }));
      expect(d).toMatchObject({ status: 200, length: bytes.length, contentType: 'image/jpeg' });
      expect(sha(await readAll(d.body))).toBe(sha(bytes));
      expect(seen!.url).toBe('/lookaside/m?mid=1&ext=2');
      expect(seen!.headers.authorization).toBe('Bearer tok');
    });

    it('streams a chunked body under the limit intact', async () => {
      const bytes = randomBytes(300_000);
      server.handler = (_req, res) => chunked(bytes, 30_000).pipe(res);
      const d = downloaded(await client.download(`${base}/m`, null, { maxBytes: 300_000 }));
      expect(d.length).toBeUndefined();
      expect(sha(await readAll(d.body))).toBe(sha(bytes));
    });

    it('refuses a body whose declared length is over the limit without reading it', async () => {
      server.handler = (_req, res) => {
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
        res.write(Buffer.alloc(1000)); // then stalls: only the declared length can decide in time
      };
      const f = failure(await client.download(`${base}/m`, 'tok', { maxBytes: 1024 * 1024 }));
      expect(f).toMatchObject({ kind: 'too-large', status: 200 });
      expect(f.error.message).toBe(`Graph answered 200 with more than ${1024 * 1024} bytes`);
    });

    it('cuts a chunked body off once it passes the limit, and the sender stops', async () => {
      let written = 0;
      server.handler = (_req, res) => {
        res.writeHead(200); // no content-length: chunked
        const tick = setInterval(() => {
          if (res.destroyed || written > 20_000_000) return clearInterval(tick);
          written += 16_384;
          res.write(Buffer.alloc(16_384));
        }, 1);
      };
      const d = downloaded(await client.download(`${base}/m`, 'tok', { maxBytes: 100_000 }));
      let received = 0;
      const err = await (async () => {
        for await (const c of d.body) received += (c as Buffer).length;
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GraphStreamError);
      expect(err).toMatchObject({ kind: 'too-large', message: 'Graph answered 200 with more than 100000 bytes' });
      expect(received).toBeLessThanOrEqual(100_000);
      expect(written).toBeLessThan(20_000_000);
    });

    it('breaks the body off with a timeout error when it stalls mid-stream', async () => {
      server.handler = (_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(40_000)); // then never more
      };
      const started = Date.now();
      const d = downloaded(await client.download(`${base}/m`, 'tok', { timeoutMs: 300, maxBytes: 1_000_000 }));
      let received = 0;
      const err = await (async () => {
        for await (const c of d.body) received += (c as Buffer).length;
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GraphStreamError);
      expect(err).toMatchObject({ kind: 'timeout', message: 'Graph call timed out after 300 ms' });
      expect(received).toBe(40_000);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('keeps the timeout error on a body nobody reads, without an uncaught error', async () => {
      server.handler = (_req, res) => {
        res.writeHead(200); // chunked, then nothing
        res.write('x');
      };
      const d = downloaded(await client.download(`${base}/m`, 'tok', { timeoutMs: 150 }));
      await new Promise<void>((r) => d.body.once('close', () => r()));
      expect(d.body.errored).toMatchObject({ kind: 'timeout' });
    });

    it('reads a non-2xx answer whole, as a Graph failure classified by the taxonomy', async () => {
      server.handler = (_req, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Invalid OAuth access token', code: 190 } }));
      };
      const f = failure(await client.download(`${base}/m`, 'old', {}));
      expect(f).toMatchObject({ kind: 'http', status: 401, body: { error: { code: 190 } }, outcomeUnknown: false });
      expect(f.error).toMatchObject({ class: 'auth', code: 190 });
    });

    it('answers a download URL that is not http(s) with a failure, not a throw', async () => {
      const f = failure(await client.download('file:///etc/passwd', 'tok'));
      expect(f).toMatchObject({ kind: 'network', outcomeUnknown: false });
      expect(f.error.message).toBe('Graph download URL must be http(s): file:');
    });
  });
});
