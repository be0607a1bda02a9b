import { randomUUID } from 'node:crypto';
import { API_VERSION, IDEMPOTENCY_KEY_OPERATIONS } from './generated/gateway-api';
import { apiErrorFrom, WabridgeError, WabridgeNetworkError, WabridgeTimeoutError } from './errors';
import type { HttpMethod, Operation, PagedPaths, PageItem, PathsWith, RequestBody, RequestOptions, SuccessBody } from './operations';
import { backoffMs, RETRY_STATUSES, RetryOptions, retryAfterMs } from './retry';

export interface WabridgeClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:3000` (no trailing path). */
  baseUrl: string;
  /** A tenant API key (`wbk_live_…`) or a function giving the current bearer token. */
  apiKey: string | (() => string | Promise<string>);
  /** Per-attempt timeout in ms (default 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Injected for tests and special runtimes; default the global fetch. */
  fetch?: typeof fetch;
  /** How to wait between attempts (default setTimeout); tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Current time in ms (Retry-After dates); default Date.now. */
  now?: () => number;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /** Idempotency keys for sends when the caller gives none; default a random UUID. */
  idempotencyKey?: () => string;
  /** Extra headers on every request (e.g. a user agent of your integration). */
  headers?: Record<string, string>;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  data: T;
  /** Attempts made (1 + retries). */
  attempts: number;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type SendMessageBody = RequestBody<Operation<'/v1/messages', 'post'>>;
export type SendMessageResult = SuccessBody<Operation<'/v1/messages', 'post'>>;

type UntypedOptions = Omit<RequestOptions<never>, 'path' | 'query' | 'body'> & { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** `/v1/messages/{id}` + `{id: 'x y'}` → `/v1/messages/x%20y`; a missing value throws. */
export function fillPath(template: string, values: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = values?.[name];
    if (v === undefined || v === null || v === '') throw new WabridgeError(`path parameter ${name} of ${template} is missing`);
    return encodeURIComponent(String(v));
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  if (/\bjson\b/i.test(res.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The Wabridge gateway API, typed by the generated `paths` (apps/gateway/openapi.json).
 * Every call: Bearer auth, a timeout per attempt, retries of 429/503 answers after their
 * Retry-After (bounded by `retry.maxDelayMs`; exponential backoff with jitter when absent), and
 * of lost connections when repeating is safe (GET/PUT/DELETE, or a send with its
 * Idempotency-Key, which is set automatically and kept across the retries).
 */
export class WabridgeClient {
  /** The API version this client was generated from. */
  static readonly apiVersion = API_VERSION;

  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxDelayMs: number;
  private readonly baseDelayMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly newKey: () => string;

  constructor(private readonly options: WabridgeClientOptions) {
    if (!options.baseUrl) throw new WabridgeError('baseUrl is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = Math.max(0, options.retry?.maxRetries ?? 3);
    this.maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
    this.baseDelayMs = options.retry?.baseDelayMs ?? 500;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.newKey = options.idempotencyKey ?? randomUUID;
  }

  /** Any documented operation; resolves with status, headers and the parsed body, throws WabridgeApiError on non-2xx. */
  call<M extends HttpMethod, P extends PathsWith<M>>(method: M, path: P, options: RequestOptions<Operation<P, M>> = {}): Promise<ApiResponse<SuccessBody<Operation<P, M>>>> {
    return this.send(method, path, options as UntypedOptions) as Promise<ApiResponse<SuccessBody<Operation<P, M>>>>;
  }

  /** As `call`, resolving with the body only. */
  async request<M extends HttpMethod, P extends PathsWith<M>>(method: M, path: P, options: RequestOptions<Operation<P, M>> = {}): Promise<SuccessBody<Operation<P, M>>> {
    return (await this.send(method, path, options as UntypedOptions)).data as SuccessBody<Operation<P, M>>;
  }

  private async send(method: HttpMethod, path: string, options: UntypedOptions): Promise<ApiResponse<unknown>> {
    const verb = method.toUpperCase();
    const url = this.baseUrl + fillPath(path, options.path) + queryString(options.query);
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers, ...options.headers };
    let body: RequestInit['body'];
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    } else if (options.rawBody) {
      body = options.rawBody.data;
      if (options.rawBody.contentType) headers['content-type'] = options.rawBody.contentType;
    }
    const takesKey = IDEMPOTENCY_KEY_OPERATIONS.includes(`${verb} ${path}`);
    const hasKey = Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key');
    if (takesKey && !hasKey) headers['Idempotency-Key'] = options.idempotencyKey ?? this.newKey();
    const repeatable = SAFE_METHODS.has(verb) || takesKey;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;

    for (let attempt = 1; ; attempt++) {
      const retriesLeft = attempt <= this.maxRetries;
      const token = typeof this.options.apiKey === 'function' ? await this.options.apiKey() : this.options.apiKey;
      const timer = AbortSignal.timeout(timeoutMs);
      const signals = [timer, ...(options.signal ? [options.signal] : [])];
      let res: Response;
      try {
        res = await this.fetchFn(url, { method: verb, headers: { ...headers, authorization: `Bearer ${token}` }, body, signal: AbortSignal.any(signals) });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        const timedOut = timer.aborted;
        if (repeatable && retriesLeft) {
          await this.sleep(backoffMs(attempt - 1, this.baseDelayMs, this.maxDelayMs, this.random));
          continue;
        }
        if (timedOut) throw new WabridgeTimeoutError(timeoutMs, attempt);
        throw new WabridgeNetworkError(`${verb} ${path}: ${err instanceof Error ? err.message : String(err)}`, attempt, { cause: err });
      }
      if (RETRY_STATUSES.has(res.status) && retriesLeft) {
        const asked = retryAfterMs(res.headers.get('retry-after'), this.now());
        const wait = asked ?? backoffMs(attempt - 1, this.baseDelayMs, this.maxDelayMs, this.random);
        if (wait <= this.maxDelayMs) {
          await res.body?.cancel().catch(() => undefined);
          // up to 10 % more than asked: requests refused together do not all come back in the same instant
          await this.sleep(asked === undefined ? wait : wait + Math.round(wait * 0.1 * this.random()));
          continue;
        }
      }
      const parsed = await parseBody(res);
      if (!res.ok) throw apiErrorFrom(res.status, parsed, res.headers, attempt);
      return { status: res.status, headers: res.headers, data: parsed, attempts: attempt };
    }
  }

  get<P extends PathsWith<'get'>>(path: P, options?: RequestOptions<Operation<P, 'get'>>) {
    return this.request('get', path, options);
  }
  post<P extends PathsWith<'post'>>(path: P, options?: RequestOptions<Operation<P, 'post'>>) {
    return this.request('post', path, options);
  }
  put<P extends PathsWith<'put'>>(path: P, options?: RequestOptions<Operation<P, 'put'>>) {
    return this.request('put', path, options);
  }
  patch<P extends PathsWith<'patch'>>(path: P, options?: RequestOptions<Operation<P, 'patch'>>) {
    return this.request('patch', path, options);
  }
  delete<P extends PathsWith<'delete'>>(path: P, options?: RequestOptions<Operation<P, 'delete'>>) {
    return this.request('delete', path, options);
  }

  /** `POST /v1/messages` (202 `{id, status: "accepted"}`), with an Idempotency-Key (yours or a fresh one). */
  sendMessage(body: SendMessageBody, options: { idempotencyKey?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SendMessageResult> {
    return this.request('post', '/v1/messages', { ...options, body });
  }

  /**
   * The pages of a cursor-paginated list (`{data, nextCursor}`), following `nextCursor` until
   * it is null; the query's own `cursor` (if any) is where it starts.
   */
  pages<P extends PagedPaths>(path: P, options: RequestOptions<Operation<P, 'get'>> = {}): AsyncGenerator<Page<PageItem<SuccessBody<Operation<P, 'get'>>>>> {
    return this.rawPages(path, options as UntypedOptions) as AsyncGenerator<Page<PageItem<SuccessBody<Operation<P, 'get'>>>>>;
  }

  /** Every item of a cursor-paginated list, page after page: `for await (const m of client.paginate('/v1/messages', {query: {limit: 100}}))`. */
  paginate<P extends PagedPaths>(path: P, options: RequestOptions<Operation<P, 'get'>> = {}): AsyncGenerator<PageItem<SuccessBody<Operation<P, 'get'>>>> {
    return this.rawItems(path, options as UntypedOptions) as AsyncGenerator<PageItem<SuccessBody<Operation<P, 'get'>>>>;
  }

  private async *rawPages(path: string, options: UntypedOptions): AsyncGenerator<Page<unknown>> {
    let query = { ...options.query };
    const seen = new Set<string>();
    for (;;) {
      const page = (await this.send('get', path, { ...options, query })).data;
      const { data, nextCursor } = (page ?? {}) as { data?: unknown; nextCursor?: unknown };
      if (!Array.isArray(data)) throw new WabridgeError(`GET ${path} did not answer a page ({data, nextCursor})`);
      const next = typeof nextCursor === 'string' && nextCursor !== '' ? nextCursor : null;
      if (next !== null && seen.has(next)) throw new WabridgeError(`GET ${path} answered the cursor ${next} twice`);
      yield { data: data as unknown[], nextCursor: next };
      if (next === null) return;
      seen.add(next);
      query = { ...query, cursor: next };
    }
  }

  private async *rawItems(path: string, options: UntypedOptions): AsyncGenerator<unknown> {
    for await (const page of this.rawPages(path, options)) yield* page.data;
  }
}
