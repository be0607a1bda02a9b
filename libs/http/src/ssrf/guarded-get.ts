import http, { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { CheckedTarget, TargetGuard, TargetRefusedError } from './target-guard';

/** The remote end failed us: unreachable, too slow, or not a 2xx answer (a 502 to our caller). */
export class UpstreamFetchError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'UpstreamFetchError';
  }
}

export interface GuardedGetOptions {
  /** Redirects followed (each target checked by the guard again); one more is a refusal. */
  maxRedirects: number;
  /** From the start of each hop's request until its TCP connection is up. */
  connectTimeoutMs: number;
  /** From the first check until the last byte of the body (the body errors past it). */
  totalTimeoutMs: number;
  headers?: Record<string, string>;
}

export interface GuardedResponse {
  /** The URL that answered (after redirects). */
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it arrives; errors with UpstreamFetchError at the total deadline. */
  body: Readable;
  /** Ends the request (socket and timer) when the caller stops reading early. */
  close(): void;
}

/** Connects to the address the guard checked: no second DNS resolution (no rebinding between check and connect). */
export function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
}

function requestOnce(target: CheckedTarget, options: GuardedGetOptions, onRequest: (req: http.ClientRequest) => void): Promise<IncomingMessage> {
  const secure = target.url.protocol === 'https:';
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = (secure ? https : http).request({
      protocol: target.url.protocol, hostname: target.url.hostname.replace(/^\[|\]$/g, ''), port: target.url.port || (secure ? 443 : 80),
      path: `${target.url.pathname}${target.url.search}`, method: 'GET', lookup: pinnedLookup(target), agent: false,
      headers: { 'user-agent': 'Wabridge/1', 'accept-encoding': 'identity', ...options.headers },
    });
    onRequest(req);
    const connectTimer = setTimeout(() => req.destroy(new UpstreamFetchError(`${target.url.host} did not accept a connection within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
    req.once('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.once('response', (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.once('error', (err) => {
      clearTimeout(connectTimer);
      reject(err instanceof UpstreamFetchError ? err : new UpstreamFetchError(`fetching ${target.url.host} failed: ${err.message}`));
    });
    req.end();
  });
}

/**
 * A GET of a tenant-chosen URL, SSRF-guarded: every hop (the URL, then each redirect target)
 * passes `guard.check` and is connected to at the checked address; at most `maxRedirects`
 * redirects; a connect timeout per hop and one total deadline that also bounds the body.
 * Refusals throw TargetRefusedError (naming the hop), failures UpstreamFetchError; a 2xx
 * answer is returned with its body unread.
 */
export async function guardedGet(guard: TargetGuard, raw: string, options: GuardedGetOptions): Promise<GuardedResponse> {
  let current: http.ClientRequest | undefined;
  let response: IncomingMessage | undefined;
  const timer = setTimeout(() => {
    const err = new UpstreamFetchError(`the URL did not answer completely within ${options.totalTimeoutMs} ms`);
    if (response) response.destroy(err);
    else current?.destroy(err);
  }, options.totalTimeoutMs);
  timer.unref();
  try {
    let url = raw;
    for (let hop = 0; ; hop++) {
      let target: CheckedTarget;
      try {
        target = await guard.check(url);
      } catch (err) {
        if (err instanceof TargetRefusedError && hop > 0) throw new TargetRefusedError(`redirects to ${url}, which ${err.message}`);
        throw err;
      }
      const res = await requestOnce(target, options, (req) => (current = req));
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.destroy();
        if (hop >= options.maxRedirects) throw new TargetRefusedError(`redirects more than ${options.maxRedirects} times`);
        try {
          url = new URL(res.headers.location, target.url).href;
        } catch {
          throw new UpstreamFetchError(`answered a redirect to an invalid location`, status);
        }
        continue;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        throw new UpstreamFetchError(`answered HTTP ${status}`, status);
      }
      response = res;
      res.once('close', () => clearTimeout(timer));
      return { url: target.url, status, headers: res.headers, body: res, close: () => res.destroy() };
    }
  } catch (err) {
    clearTimeout(timer);
    current?.destroy();
    throw err;
  }
}
