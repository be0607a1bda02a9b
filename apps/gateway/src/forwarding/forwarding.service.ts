import { Readable, Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@wabridge/http';
import { injectTraceHeaders } from '@wabridge/telemetry';
import { Principal } from '../auth/principal';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GATEWAY_ENV } from '../tokens';

export type ForwardTarget = 'contacts' | 'media' | 'analytics' | 'webhook-endpoints' | 'conversations' | 'automations' | 'campaigns';

/** The service behind each forwarded prefix, as named in error messages. */
const SERVICE_OF: Record<ForwardTarget, string> = {
  contacts: 'contacts', media: 'media', analytics: 'analytics', 'webhook-endpoints': 'notifier', conversations: 'conversations', automations: 'conversations', campaigns: 'campaigns',
};

function uploadTooLarge(max: number): ApiError {
  // The rest of the upload is not read: the connection closes after this answer.
  return new ApiError(413, 'payload_too_large', `the upload is larger than ${max} bytes (FORWARD_IMPORT_MAX_BYTES); split the file`, undefined, { connection: 'close' });
}

/**
 * The upload passed through, failing once more than `max` bytes went by (the source is left
 * alone, so the 413 can still be written on its connection).
 */
function capped(source: Readable, max: number, state: { exceeded: boolean }, abort: AbortController): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) {
        state.exceeded = true;
        source.unpipe(counter);
        source.pause();
        abort.abort(new Error('upload too large'));
        done(new Error('upload too large'));
        return;
      }
      done(null, chunk);
    },
  });
  source.on('error', (err) => counter.destroy(err));
  return source.pipe(counter);
}

/** Meta's upload path, as `CloudMediaController` routes it (version `v23.0`, numeric number id). */
export const CLOUD_MEDIA_UPLOAD = /^\/v\d+\.\d+\/\d{1,32}\/media(\?|$)/;

/**
 * A streamed bulk upload, answered only when the whole body is processed: a contacts import, a
 * campaign's parameters CSV, or a media upload (up to Meta's 100 MB documents). Both get the upload cap and deadline
 * (FORWARD_IMPORT_MAX_BYTES, FORWARD_IMPORT_TIMEOUT_MS) instead of the short ones.
 */
export function isBulkImport(target: ForwardTarget, method: string, url: string): boolean {
  // a campaign's per-recipient parameters, CSV (ADR 0156)
  if (target === 'campaigns') return method === 'PUT' && /^\/v1\/campaigns\/[^/?]+\/parameters(\?|$)/.test(url);
  if (method !== 'POST') return false;
  if (target === 'contacts') return /^\/v1\/contacts\/import(\?|$)/.test(url);
  // `/v1/media` and the Cloud-API-compatible `POST /{version}/{phone-number-id}/media` (ADR 0105)
  if (target === 'media') return /^\/v1\/media(\?|$)/.test(url) || CLOUD_MEDIA_UPLOAD.test(url);
  return false;
}

/** A bulk upload of any target (isBulkImport): its body, JSON included, streams to the service unparsed. */
export function isStreamedUpload(method: string, url: string): boolean {
  const m = method.toUpperCase();
  return isBulkImport('contacts', m, url) || isBulkImport('media', m, url) || isBulkImport('campaigns', m, url);
}

/**
 * The path (and query) to forward, proven to stay under `/v1/<target>`: fetch resolves `..`
 * and `%2e%2e` segments and treats `\` as `/`, and a service may decode `%2F`, so a path like
 * `/v1/contacts/../../metrics` would reach another route of the service with our internal
 * token. Anything that could climb out (dot segments in any encoding, up to three decodings;
 * encoded slashes or backslashes; control characters) is refused with 400 (ADR 0068).
 */
export function forwardPath(target: ForwardTarget, url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const refuse = (why: string): never => {
    throw new ApiError(400, 'invalid_path', `the path ${why}; send a plain /v1/${target}/… path`);
  };
  const prefix = `/v1/${target}`;
  if (path !== prefix && !path.startsWith(`${prefix}/`)) refuse(`must start with ${prefix}`);
  let decoded = path;
  for (let round = 0; round < 4; round++) {
    // Control characters are exactly what this looks for.
    // eslint-disable-next-line no-control-regex
    if (/[\\\x00-\x1f\x7f]/.test(decoded)) refuse('contains a backslash or a control character');
    if (round > 0 && decoded.includes('/') && decoded.split('/').length !== path.split('/').length) refuse('contains an encoded slash');
    if (decoded.split('/').some((seg) => seg === '.' || seg === '..')) refuse('contains a . or .. segment');
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return refuse('is not valid percent-encoding');
    }
    if (next === decoded) break;
    if (round === 3) refuse('is encoded too many times');
    decoded = next;
  }
  return url;
}

const PASS_REQUEST_HEADERS = ['content-type', 'accept', 'idempotency-key', 'if-none-match', 'range'];
const PASS_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'cache-control', 'etag', 'location', 'retry-after', 'content-range', 'accept-ranges', 'last-modified'];

/** `/dashboard` and its assets (`/dashboard/dashboard.js`): one plain file name, nothing else. */
const DASHBOARD_PATH = /^\/dashboard(\/[a-z][a-z0-9-]*\.(js|css))?$/;
const DASHBOARD_RESPONSE_HEADERS = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy'];

export interface UpstreamCall {
  method: string;
  /** Path and query under `/v1/<target>` (checked by `forwardPath`). */
  path: string;
  /** A streamed upload: FORWARD_IMPORT_MAX_BYTES and FORWARD_IMPORT_TIMEOUT_MS instead of the short ones. */
  upload: boolean;
  /** Pass the request's body on (methods other than GET/HEAD). */
  body: boolean;
  /** Send this JSON instead of the request's body (a route that calls the service on its own terms, ADR 0131). */
  json?: unknown;
}

/**
 * Forwards a tenant's request to an internal service with the resolved tenant id and the
 * internal token (the service trusts nothing else). Bodies are streamed both ways (media
 * uploads/downloads); a service that is down answers 502, one that is too slow 504.
 */
@Injectable()
export class ForwardingService {
  private readonly bases: Record<ForwardTarget, string>;

  constructor(@Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv) {
    const strip = (u: string): string => u.replace(/\/+$/, '');
    this.bases = {
      contacts: strip(env.CONTACTS_URL), media: strip(env.MEDIA_URL), analytics: strip(env.ANALYTICS_URL),
      'webhook-endpoints': strip(env.NOTIFIER_URL), conversations: strip(env.CONVERSATIONS_URL), automations: strip(env.CONVERSATIONS_URL),
      campaigns: strip(env.CAMPAIGNS_URL),
    };
  }

  async forward(target: ForwardTarget, principal: Principal, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const method = req.method.toUpperCase();
    const res = await this.call(target, principal, req, reply, { method, path: req.url, upload: isBulkImport(target, method, req.url), body: true });
    if (!res) return;
    void reply.status(res.status);
    for (const h of PASS_RESPONSE_HEADERS) {
      const v = res.headers.get(h);
      if (v !== null) void reply.header(h, v);
    }
    if (!res.body || res.status === 204 || method === 'HEAD') {
      await reply.send();
      return;
    }
    await reply.send(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream));
  }

  /**
   * The analytics dashboard's page and assets (ADR 0124): GET only, a fixed set of plain paths
   * (nothing to climb out with), no tenant and no internal token; the page's own security
   * headers (its Content-Security-Policy above all) are passed back.
   */
  async forwardDashboardPage(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    if (!DASHBOARD_PATH.test(path)) throw ApiError.notFound(`the dashboard asset ${path.slice(0, 80)}`);
    let res: Response;
    try {
      res = await fetch(`${this.bases.analytics}${path}`, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(this.env.FORWARD_TIMEOUT_MS) });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw new ApiError(504, 'upstream_timeout', `the analytics service did not answer within ${this.env.FORWARD_TIMEOUT_MS} ms`);
      throw new ApiError(502, 'upstream_unavailable', 'the analytics service is unavailable');
    }
    void reply.status(res.status);
    for (const h of [...PASS_RESPONSE_HEADERS, ...DASHBOARD_RESPONSE_HEADERS]) {
      const v = res.headers.get(h);
      if (v !== null) void reply.header(h, v);
    }
    await reply.send(Buffer.from(await res.arrayBuffer()));
  }

  /**
   * Calls the service under `/v1/<target>` for this request (confined, tenant and internal token
   * set, the body streamed and capped as an upload when `upload`) and hands back its answer
   * unread, for routes that reshape it (the Cloud API media routes, ADR 0105). Undefined when
   * the request deadline has already answered the client.
   */
  async call(target: ForwardTarget, principal: Principal, req: FastifyRequest, reply: FastifyReply, options: UpstreamCall): Promise<Response | undefined> {
    const { method, upload: bulkImport } = options;
    const base = this.bases[target];
    const url = `${base}${forwardPath(target, options.path)}`;
    // Belt and braces: what fetch will actually call must still be under the prefix.
    const resolved = new URL(url);
    const basePath = new URL(base).pathname.replace(/\/+$/, '');
    if (resolved.origin !== new URL(base).origin || !`${resolved.pathname}/`.startsWith(`${basePath}/v1/${target}/`)) {
      throw new ApiError(400, 'invalid_path', `the path must stay under /v1/${target}`);
    }
    const maxUpload = this.env.FORWARD_IMPORT_MAX_BYTES;
    if (bulkImport && Number(req.headers['content-length'] ?? 0) > maxUpload) throw uploadTooLarge(maxUpload);
    const headers: Record<string, string> = {};
    for (const h of PASS_REQUEST_HEADERS) {
      const v = req.headers[h];
      // without the body its content type would make the service parse an empty one
      if (typeof v === 'string' && (options.body || h !== 'content-type')) headers[h] = v;
    }
    headers[INTERNAL_TOKEN_HEADER] = this.env.INTERNAL_TOKEN;
    headers[TENANT_HEADER] = principal.tenantId;
    injectTraceHeaders(headers);
    let body: RequestInit['body'];
    const b: unknown = req.body;
    const limit = { exceeded: false };
    const cut = new AbortController();
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.body && method !== 'GET' && method !== 'HEAD' && b !== undefined && b !== null) {
      if (b instanceof Readable) body = Readable.toWeb(bulkImport ? capped(b, maxUpload, limit, cut) : b) as unknown as RequestInit['body'];
      else if (typeof b === 'string' || Buffer.isBuffer(b)) body = b as RequestInit['body'];
      else {
        body = JSON.stringify(b);
        headers['content-type'] = 'application/json';
      }
    }
    const timeoutMs = bulkImport ? this.env.FORWARD_IMPORT_TIMEOUT_MS : this.env.FORWARD_TIMEOUT_MS;
    try {
      return await fetch(url, {
        method, headers, body, redirect: 'manual', signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), cut.signal]),
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      if (reply.sent) return undefined; // the request deadline already answered (408) and closed the connection
      if (limit.exceeded) throw uploadTooLarge(maxUpload);
      if ((err as Error).name === 'TimeoutError') {
        throw new ApiError(504, 'upstream_timeout', `the ${SERVICE_OF[target]} service did not answer within ${timeoutMs} ms`);
      }
      throw new ApiError(502, 'upstream_unavailable', `the ${SERVICE_OF[target]} service is unavailable`);
    }
  }
}
