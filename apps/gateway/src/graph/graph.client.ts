import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
import { GraphFailure, GraphTarget, MetaGraphClient, MetaGraphError, parseGraphError } from '@wabridge/meta';
import { RegistryService } from '../accounts/registry.service';
import { NumberRow } from '../accounts/registry.publisher';

export type { GraphTarget } from '@wabridge/meta';

export interface GraphResponse {
  status: number;
  body: unknown;
}

/**
 * Raised when Graph answered with an error body (kept verbatim for the Cloud-API route);
 * `error` is that body read through the taxonomy.
 */
export class GraphCallError extends Error {
  readonly error: MetaGraphError;

  constructor(readonly status: number, readonly body: unknown, error?: MetaGraphError) {
    super(`Graph answered ${status}`);
    this.name = 'GraphCallError';
    this.error = error ?? parseGraphError(status, body);
  }
}

const GRAPH_TIMEOUT_MS = 10000;
/** The longest Graph answer the gateway reads (its reads are one object or a page of ids). */
const GRAPH_MAX_RESPONSE_BYTES = 1 << 20;

/**
 * The few Graph calls the gateway makes itself (off the send hot path): read receipts,
 * template management, registration, embedded signup and account-state reads. Sends go through
 * the dispatcher. Base URL and version are the number's (real Meta or the sandbox). The HTTP
 * work is libs/meta's Graph client (ADR 0187); this class adds the number's token and turns
 * failures into the gateway's errors.
 */
@Injectable()
export class GraphClient implements OnApplicationShutdown {
  private readonly graph = new MetaGraphClient({ timeoutMs: GRAPH_TIMEOUT_MS, maxResponseBytes: GRAPH_MAX_RESPONSE_BYTES });

  constructor(private readonly registry: RegistryService) {}

  call(number: NumberRow, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, query?: Record<string, string>): Promise<unknown> {
    return this.request({ baseUrl: number.graph_base_url, version: number.graph_api_version, token: this.registry.accessToken(number) }, method, path, body, query);
  }

  /**
   * A Graph call with a given token (a number's, a business token from embedded signup, or an
   * app token `appId|secret`); `token: null` sends none (the OAuth code exchange). Resolves
   * with Graph's answer (`{raw}` when it was not JSON, `{}` when empty); throws GraphCallError
   * for Graph's error answers and ApiError 504/502 when Graph could not be reached.
   */
  async request(target: GraphTarget, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, query?: Record<string, string>): Promise<unknown> {
    const r = await this.graph.request(target, method, path, { body, query });
    if (r.ok) return answerOf(r.body, r.raw);
    throw failureToError(r);
  }

  markRead(number: NumberRow, wamid: string, typingIndicator?: unknown): Promise<unknown> {
    const body: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
    if (typingIndicator !== undefined) body.typing_indicator = typingIndicator;
    return this.call(number, 'POST', `${number.phone_number_id}/messages`, body);
  }

  onApplicationShutdown(): void {
    this.graph.close();
  }
}

/** A non-JSON answer is kept as a short excerpt, so error bodies stay readable and bounded. */
function answerOf(body: unknown, raw: string | undefined): unknown {
  if (raw === undefined) return body;
  return raw === '' ? {} : { raw: raw.slice(0, 500) };
}

function failureToError(f: GraphFailure): Error {
  switch (f.kind) {
    case 'http':
      return new GraphCallError(f.status, answerOf(f.body, f.raw), f.error);
    case 'timeout':
    case 'connect-timeout':
      return new ApiError(504, 'upstream_timeout', 'Meta Graph API timed out');
    case 'too-large':
      return new ApiError(502, 'upstream_error', `Meta Graph API answered more than ${GRAPH_MAX_RESPONSE_BYTES} bytes`, { graphStatus: f.status });
    default:
      return new ApiError(502, 'upstream_unavailable', 'Meta Graph API is unreachable');
  }
}

/**
 * Our error for a Graph error, for the native API: the taxonomy's class decides (Meta's code,
 * not its HTTP status): throttled → 429, transient → 502, anything else is Meta refusing the
 * request → 400.
 */
export function graphErrorToApiError(err: GraphCallError): ApiError {
  const e = err.error;
  const details = { graphStatus: err.status, code: e.code, message: e.message, class: e.class };
  switch (e.class) {
    case 'throttled':
      return new ApiError(429, 'meta_rate_limited', e.message, details);
    case 'transient':
      return new ApiError(502, 'upstream_error', 'Meta Graph API failed', details);
    default:
      return new ApiError(400, 'graph_rejected', e.code === undefined ? 'Meta Graph API rejected the request' : e.message, details);
  }
}
