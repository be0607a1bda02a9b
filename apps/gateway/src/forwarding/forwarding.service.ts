import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@wabridge/http';
import { injectTraceHeaders } from '@wabridge/telemetry';
import { Principal } from '../auth/principal';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GATEWAY_ENV } from '../tokens';

export type ForwardTarget = 'contacts' | 'media' | 'analytics';

/** A streamed bulk import: answered only when the whole upload is processed. */
export function isBulkImport(target: ForwardTarget, method: string, url: string): boolean {
  return target === 'contacts' && method === 'POST' && /^\/v1\/contacts\/import(\?|$)/.test(url);
}

const PASS_REQUEST_HEADERS = ['content-type', 'accept', 'idempotency-key', 'if-none-match', 'range'];
const PASS_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'cache-control', 'etag', 'location', 'retry-after', 'content-range', 'accept-ranges', 'last-modified'];

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
    this.bases = { contacts: strip(env.CONTACTS_URL), media: strip(env.MEDIA_URL), analytics: strip(env.ANALYTICS_URL) };
  }

  async forward(target: ForwardTarget, principal: Principal, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const url = `${this.bases[target]}${req.url}`;
    const headers: Record<string, string> = {};
    for (const h of PASS_REQUEST_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    headers[INTERNAL_TOKEN_HEADER] = this.env.INTERNAL_TOKEN;
    headers[TENANT_HEADER] = principal.tenantId;
    injectTraceHeaders(headers);
    const method = req.method.toUpperCase();
    let body: RequestInit['body'];
    const b: unknown = req.body;
    if (method !== 'GET' && method !== 'HEAD' && b !== undefined && b !== null) {
      if (b instanceof Readable) body = Readable.toWeb(b) as unknown as RequestInit['body'];
      else if (typeof b === 'string' || Buffer.isBuffer(b)) body = b as RequestInit['body'];
      else {
        body = JSON.stringify(b);
        headers['content-type'] = 'application/json';
      }
    }
    const timeoutMs = isBulkImport(target, method, req.url) ? this.env.FORWARD_IMPORT_TIMEOUT_MS : this.env.FORWARD_TIMEOUT_MS;
    let res: Response;
    try {
      res = await fetch(url, {
        method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new ApiError(504, 'upstream_timeout', `the ${target} service did not answer within ${timeoutMs} ms`);
      }
      throw new ApiError(502, 'upstream_unavailable', `the ${target} service is unavailable`);
    }
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
}
