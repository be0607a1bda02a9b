import { Injectable } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
import { RegistryService } from '../accounts/registry.service';
import { NumberRow } from '../accounts/registry.publisher';

export interface GraphResponse {
  status: number;
  body: unknown;
}

/** Raised when Graph answered with an error body (kept verbatim for the Cloud-API route). */
export class GraphCallError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(`Graph answered ${status}`);
    this.name = 'GraphCallError';
  }
}

const GRAPH_TIMEOUT_MS = 10000;

/** Where a Graph call goes and with which token. */
export interface GraphTarget {
  baseUrl: string;
  version: string;
  token: string | null;
}

/**
 * The few Graph calls the gateway makes itself (off the send hot path): read receipts and
 * template management. Sends go through the dispatcher. Base URL and version are the number's
 * (real Meta or the sandbox).
 */
@Injectable()
export class GraphClient {
  constructor(private readonly registry: RegistryService) {}

  call(number: NumberRow, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, query?: Record<string, string>): Promise<unknown> {
    return this.request({ baseUrl: number.graph_base_url, version: number.graph_api_version, token: this.registry.accessToken(number) }, method, path, body, query);
  }

  /**
   * A Graph call with a given token (a number's, a business token from embedded signup, or an
   * app token `appId|secret`); `token: null` sends none (the OAuth code exchange).
   */
  async request(target: GraphTarget, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, query?: Record<string, string>): Promise<unknown> {
    const url = new URL(`${target.baseUrl}/${target.version}/${path.replace(/^\//, '')}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { ...(target.token === null ? {} : { authorization: `Bearer ${target.token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS),
      });
    } catch (err) {
      const timeout = (err as Error).name === 'TimeoutError';
      throw new ApiError(timeout ? 504 : 502, timeout ? 'upstream_timeout' : 'upstream_unavailable', `Meta Graph API ${timeout ? 'timed out' : 'is unreachable'}`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { raw: text.slice(0, 500) };
    }
    if (!res.ok) throw new GraphCallError(res.status, parsed);
    return parsed;
  }

  markRead(number: NumberRow, wamid: string, typingIndicator?: unknown): Promise<unknown> {
    const body: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
    if (typingIndicator !== undefined) body.typing_indicator = typingIndicator;
    return this.call(number, 'POST', `${number.phone_number_id}/messages`, body);
  }
}

/** Our error for a Graph error, for the native API. */
export function graphErrorToApiError(err: GraphCallError): ApiError {
  const e = (err.body as { error?: { code?: number; message?: string } })?.error;
  const details = { graphStatus: err.status, code: e?.code, message: e?.message };
  if (err.status >= 500) return new ApiError(502, 'upstream_error', 'Meta Graph API failed', details);
  return new ApiError(400, 'graph_rejected', e?.message ?? 'Meta Graph API rejected the request', details);
}
