import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedGet, UpstreamFetchError } from './guarded-get';
import { TargetGuard, TargetRefusedError } from './target-guard';

/** A local server answering each path with the given handler. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function text(body: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of body) out += String(chunk);
  return out;
}

const LIMITS = { maxRedirects: 2, connectTimeoutMs: 2000, totalTimeoutMs: 5000 };

describe('guardedGet', () => {
  let srv: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    srv = await serve((req, res) => {
      const url = req.url ?? '/';
      if (url === '/ok') return void res.end('hello');
      if (url === '/to-ok') return void res.writeHead(302, { location: '/ok' }).end();
      if (url === '/to-metadata') return void res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      if (url.startsWith('/loop')) return void res.writeHead(302, { location: `/loop${url.length}` }).end();
      if (url === '/missing') return void res.writeHead(404).end('no');
      if (url === '/slow') {
        res.write('a');
        return; // never ends
      }
      res.writeHead(500).end();
    });
  });
  afterAll(() => srv.close());

  const allowed = new TargetGuard({ allow: '127.0.0.1/32' });

  it('follows an allowed redirect and returns the 2xx body', async () => {
    const res = await guardedGet(allowed, `${srv.url}/to-ok`, LIMITS);
    expect(res.status).toBe(200);
    expect(res.url.pathname).toBe('/ok');
    expect(await text(res.body)).toBe('hello');
  });

  it('checks every redirect target again and refuses one to a metadata address', async () => {
    await expect(guardedGet(allowed, `${srv.url}/to-metadata`, LIMITS)).rejects.toThrow(
      'redirects to http://169.254.169.254/latest/meta-data, which resolves to 169.254.169.254, a link-local (cloud metadata) address',
    );
  });

  it('refuses loopback itself unless allowed', async () => {
    await expect(guardedGet(new TargetGuard(), `${srv.url}/ok`, LIMITS)).rejects.toBeInstanceOf(TargetRefusedError);
  });

  it('stops after maxRedirects', async () => {
    await expect(guardedGet(allowed, `${srv.url}/loop`, LIMITS)).rejects.toThrow('redirects more than 2 times');
  });

  it('reports a non-2xx answer as an upstream failure with its status', async () => {
    await expect(guardedGet(allowed, `${srv.url}/missing`, LIMITS)).rejects.toMatchObject({ name: 'UpstreamFetchError', status: 404 });
  });

  it('errors the body at the total deadline', async () => {
    const res = await guardedGet(allowed, `${srv.url}/slow`, { ...LIMITS, totalTimeoutMs: 300 });
    await expect(text(res.body)).rejects.toBeInstanceOf(UpstreamFetchError);
  });
});
