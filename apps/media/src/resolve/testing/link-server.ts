import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline, Readable } from 'node:stream';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A JPEG (valid SOI/APP0 header, then filler) of `bytes` bytes, distinct per `seed`. */
export function jpeg(bytes: number, seed = 1): Buffer {
  const b = Buffer.alloc(bytes, seed & 0xff);
  Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex').copy(b);
  b.writeUInt32BE(Date.now() % 0xffffffff, 24);
  return b;
}

/** A Windows executable's first bytes (MZ … PE): what an .exe renamed .jpg sniffs as. */
export function exe(): Buffer {
  return Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(20_000)]);
}

export interface LinkServer {
  /** `http://<host>:<port>` */
  url: string;
  /** Requests seen, by path. */
  hits: string[];
  close(): Promise<void>;
}

type Route = { body: Buffer; type: string; chunked?: boolean } | { redirect: string };

/**
 * A tenant's file server on `host` (tests use 127.0.0.2, the only address the media service's
 * allow-list lets through, so 127.0.0.1 stays refused). Chunked routes send no Content-Length.
 */
export async function startLinkServer(host: string, routes: Record<string, Route>): Promise<LinkServer> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.push(path);
    const route = routes[path];
    if (!route) return void res.writeHead(404).end('not here');
    if ('redirect' in route) return void res.writeHead(302, { location: route.redirect }).end();
    if (!route.chunked) return void res.writeHead(200, { 'content-type': route.type, 'content-length': String(route.body.length) }).end(route.body);
    res.writeHead(200, { 'content-type': route.type });
    const chunks = function* (body: Buffer) {
      for (let at = 0; at < body.length; at += 64 * 1024) yield body.subarray(at, at + 64 * 1024);
    };
    // pipeline stops (and swallows the error) when the client gives up, as a refusal does
    pipeline(Readable.from(chunks(route.body)), res, () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    hits,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A reverse proxy to `target` that holds every request `delayMs` first (a slow Graph). */
export async function startSlowProxy(target: string, delayMs: number): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const to = new URL(target);
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    setTimeout(() => {
      const upstream = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() { return state.requests; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
