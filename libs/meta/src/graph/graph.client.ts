import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { Agent as HttpAgent, ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import {
  GraphStreamError,
  httpFailure,
  transportFailure,
  type GraphFailure,
  type GraphDownloadOutcome,
  type GraphFailureKind,
  type GraphMethod,
  type GraphOutcome,
  type GraphSendOutcome,
  type GraphTarget,
} from './graph-outcome';

export interface GraphClientOptions {
  /** The whole call: connect, send, Graph's work, reading the answer. Default 10 000 ms. */
  timeoutMs?: number;
  /** Establishing a new connection (TCP, and TLS for https). Default the smaller of 3 000 ms and `timeoutMs`. */
  connectTimeoutMs?: number;
  /** Longest answer read; a longer one is cut off as a `too-large` failure. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Sockets per origin (kept alive, reused most-recent first). Default 256. */
  maxSockets?: number;
  /** Idle sockets kept per origin. Default 64. */
  maxFreeSockets?: number;
}

/**
 * A request body read as it is sent (a media upload), never held whole. With `length` it goes
 * out with that Content-Length and must be exactly that long; without, it is sent chunked.
 */
export interface GraphStreamBody {
  readonly body: Readable;
  readonly length?: number;
  readonly contentType: string;
}

export type GraphRequestOptions = {
  query?: Readonly<Record<string, string>>;
  /** This call's overall timeout instead of the client's (an upload of 100 MB takes longer than a read). */
  timeoutMs?: number;
} & (
  | {
      /** Sent as JSON. */
      body?: unknown;
      stream?: never;
    }
  | {
      body?: never;
      stream: GraphStreamBody;
    }
);

export interface GraphDownloadOptions {
  /** The whole download, body included, instead of the client's timeout. */
  timeoutMs?: number;
  /** Longest body streamed (default the client's `maxResponseBytes`): a longer one is refused or cut off. */
  maxBytes?: number;
}

export const GRAPH_DEFAULTS = { timeoutMs: 10_000, connectTimeoutMs: 3_000, maxResponseBytes: 1 << 20, maxSockets: 256, maxFreeSockets: 64 } as const;

/** Errors that prove the request never reached Graph (safe to resend at once). */
const NOT_SENT: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** Distinct base URLs parsed once (real Meta, the sandbox, a few test servers); cleared if ever this many. */
const ORIGIN_CACHE_LIMIT = 256;

interface Origin {
  readonly https: boolean;
  readonly hostname: string;
  readonly port: string;
  /** The base URL's path without a trailing slash ('' for `https://graph.facebook.com`). */
  readonly prefix: string;
}

const tracer = trace.getTracer('@wabridge/meta');

/**
 * The call's CLIENT span (none inside `untraced`), its context written into the call's headers
 * (`traceparent`, also for an unsampled span, as the http instrumentation did). Attributes only
 * when the span records.
 */
function clientSpan(call: Call, parent: Context): Span | undefined {
  if (isTracingSuppressed(parent)) return undefined;
  const { origin } = call;
  const span = tracer.startSpan(call.method, { kind: SpanKind.CLIENT }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': call.method, 'server.address': origin.hostname, 'server.port': Number(origin.port) || (origin.https ? 443 : 80),
      // Without the query: OAuth exchanges carry the app secret there.
      'url.full': `${origin.https ? 'https' : 'http'}://${origin.hostname}${origin.port ? `:${origin.port}` : ''}${call.path.split('?', 1)[0]}`,
    });
  }
  propagation.inject(trace.setSpan(parent, span), call.headers);
  return span;
}

/** One HTTP exchange: where it goes, what it sends, how long it may take. */
interface Call {
  readonly origin: Origin;
  /** Path and query from the root. */
  readonly path: string;
  readonly method: GraphMethod;
  readonly headers: OutgoingHttpHeaders;
  /** JSON text, a body streamed as it is read, or nothing. */
  readonly payload: string | GraphStreamBody | undefined;
  readonly timeoutMs: number;
}

/** An answer read whole. */
interface Answer {
  status: number;
  text: string;
}

/** A 2xx answer whose body is handed on as a stream (a download). */
interface StreamedAnswer {
  status: number;
  body: Readable;
  length: number | undefined;
  contentType: string | undefined;
}

/** A failed exchange before a full answer: carries what the outcome needs. */
class ExchangeError extends Error {
  constructor(readonly kind: GraphFailureKind, readonly status: number, message: string, readonly outcomeUnknown: boolean) {
    super(message);
  }
}

/**
 * One exchange's life, as the code reading its answer sees it. `succeed` resolves the call;
 * with `streaming` (an answer body handed on as a stream) the timers keep running until
 * `finish`, and a later `fail` goes to `streaming` (which breaks the stream off) instead.
 */
interface Exchange<T> {
  succeed(value: T, streaming?: (err: ExchangeError) => void): void;
  fail(err: ExchangeError): void;
  finish(): void;
}

const PENDING = 0;
const STREAMING = 1;
const DONE = 2;
const ignore = (): void => undefined;

/**
 * The one Graph API client (ADR 0187): node:http(s) over keep-alive agents (far less
 * per-call overhead than fetch at thousands of sends per second), an overall and a connect
 * timeout, a bounded answer, bearer token, base URL and version per call (each number has its
 * own: Meta or the sandbox). Every failure comes back as a value classified by the error
 * taxonomy, never as a throw, with `outcomeUnknown` telling a caller whether a resend could
 * duplicate. Request bodies can be streamed (media uploads) and answers handed on as streams
 * (media downloads) under the same timeouts and bounds. Each call is a CLIENT span of its own
 * (`POST`, `GET`: method, server, URL, status code) whose W3C trace context goes out with it;
 * inside `untraced(fn)` there is neither. The requests are `ClientRequest`s constructed here,
 * not `http.request`: OpenTelemetry's http instrumentation, which wraps that, parsed every
 * call's options into a URL and computed a dozen attributes (~5 % of the dispatcher's CPU in
 * the e2e bench; ADR 0128).
 */
export class MetaGraphClient {
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly origins = new Map<string, Origin>();

  constructor(options: GraphClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? GRAPH_DEFAULTS.timeoutMs;
    this.connectTimeoutMs = Math.min(options.connectTimeoutMs ?? GRAPH_DEFAULTS.connectTimeoutMs, this.timeoutMs);
    this.maxResponseBytes = options.maxResponseBytes ?? GRAPH_DEFAULTS.maxResponseBytes;
    const agent = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? GRAPH_DEFAULTS.maxSockets,
      maxFreeSockets: options.maxFreeSockets ?? GRAPH_DEFAULTS.maxFreeSockets,
      scheduling: 'lifo' as const,
    };
    this.httpAgent = new HttpAgent(agent);
    this.httpsAgent = new HttpsAgent(agent);
  }

  /**
   * `METHOD {baseUrl}/{version}/{path}?{query}` with a JSON `body` or a streamed one (`stream`,
   * e.g. a multipart media upload); a 2xx answer is `{ok: true, body}`, anything else a
   * `GraphFailure`. A streamed body that fails or does not match its declared length is a
   * `source` failure: the request was cut off, so Graph cannot have acted on it.
   */
  async request(target: GraphTarget, method: GraphMethod, path: string, options: GraphRequestOptions = {}): Promise<GraphOutcome> {
    let answer: Answer;
    try {
      const payload = options.stream ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      answer = await this.exchange(target, method, path.replace(/^\/+/, ''), options.query, payload, options.timeoutMs);
    } catch (err) {
      options.stream?.body.destroy();
      return failureOf(err);
    }
    const { body, raw } = parse(answer.text);
    if (answer.status < 200 || answer.status >= 300) return httpFailure(answer.status, body, raw);
    return raw === undefined ? { ok: true, status: answer.status, body } : { ok: true, status: answer.status, body, raw };
  }

  /**
   * `POST /{version}/{phoneNumberId}/messages` (the send hot path). A 2xx without
   * `messages[0].id` is a failure whose outcome is unknown: Meta may have accepted it.
   */
  async sendMessage(target: GraphTarget, phoneNumberId: string, message: object): Promise<GraphSendOutcome> {
    let answer: Answer;
    try {
      answer = await this.exchange(target, 'POST', `${phoneNumberId}/messages`, undefined, JSON.stringify(message), undefined);
    } catch (err) {
      return failureOf(err);
    }
    const { body, raw } = parse(answer.text);
    if (answer.status < 200 || answer.status >= 300) return httpFailure(answer.status, body, raw);
    const wamid = (body as { messages?: { id?: unknown }[] } | null | undefined)?.messages?.[0]?.id;
    if (typeof wamid === 'string' && wamid !== '') return { ok: true, status: answer.status, wamid };
    return transportFailure('no-wamid', answer.status, `Graph answered ${answer.status} without messages[0].id`, true);
  }

  /**
   * `GET url` (an absolute URL Graph handed out, e.g. a media object's download URL) with the
   * bearer token; a 2xx resolves once its head is in, with the body as a stream. The timeout
   * covers the whole body: when it runs out, or the body outgrows `maxBytes` (a declared
   * length over it fails at once), or the connection breaks, the stream is destroyed with a
   * `GraphStreamError` that a reader gets as the stream's error. A non-2xx is a `GraphFailure`
   * read like any other. The reader must consume or destroy the body.
   */
  async download(url: string, token: string | null, options: GraphDownloadOptions = {}): Promise<GraphDownloadOutcome> {
    const max = options.maxBytes ?? this.maxResponseBytes;
    let answer: Answer | StreamedAnswer;
    try {
      const u = parseUrl(url, 'download URL');
      const headers: OutgoingHttpHeaders = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      answer = await this.open<Answer | StreamedAnswer>(
        { origin: originOf(u, ''), path: `${u.pathname}${u.search}`, method: 'GET', headers, payload: undefined, timeoutMs: options.timeoutMs ?? this.timeoutMs },
        (res, ex) => this.stream(res, ex, max),
      );
    } catch (err) {
      return failureOf(err);
    }
    if ('text' in answer) {
      const { body, raw } = parse(answer.text);
      return httpFailure(answer.status, body, raw);
    }
    const { status, body, length, contentType } = answer;
    return { ok: true, status, body, ...(length === undefined ? {} : { length }), ...(contentType === undefined ? {} : { contentType }) };
  }

  /** Closes every kept-alive socket (at shutdown; calls after this still work on new sockets). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private exchange(
    target: GraphTarget,
    method: GraphMethod,
    path: string,
    query: GraphRequestOptions['query'],
    payload: string | GraphStreamBody | undefined,
    timeoutMs: number | undefined,
  ): Promise<Answer> {
    const origin = this.cachedOrigin(target.baseUrl);
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query as Record<string, string>).toString()}` : '';
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (target.token !== null) headers.authorization = `Bearer ${target.token}`;
    if (typeof payload === 'string') {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    } else if (payload !== undefined) {
      headers['content-type'] = payload.contentType;
      if (payload.length !== undefined) headers['content-length'] = payload.length; // else chunked
    }
    return this.open<Answer>(
      { origin, path: `${origin.prefix}/${target.version}/${path}${search}`, method, headers, payload, timeoutMs: timeoutMs ?? this.timeoutMs },
      (res, ex) => this.read(res, ex),
    );
  }

  /** Runs one exchange: the request, its body, the timers; `respond` reads the answer. */
  private open<T>(call: Call, respond: (res: IncomingMessage, ex: Exchange<T>) => void): Promise<T> {
    const { origin, payload, timeoutMs } = call;
    const source = typeof payload === 'object' ? payload : undefined;
    return new Promise<T>((resolve, reject) => {
      let state = PENDING;
      /** The connection was up (new or reused), so bytes may have reached Graph. */
      let connected = false;
      let sourceEnded = false;
      let connectTimer: NodeJS.Timeout | undefined;
      let late: ((err: ExchangeError) => void) | undefined;
      const parent = context.active();
      const span = clientSpan(call, parent);
      const ex: Exchange<T> = {
        succeed: (value, streaming) => {
          if (state !== PENDING) return;
          if (streaming) {
            state = STREAMING;
            late = streaming;
          } else ex.finish();
          if (source && !sourceEnded) {
            // Graph answered before taking the whole body: stop sending it
            source.body.destroy();
            req.destroy();
          }
          resolve(value);
        },
        fail: (err) => {
          if (state === DONE) return;
          span?.setStatus({ code: SpanStatusCode.ERROR, message: err.message }).setAttribute('error.type', err.kind);
          const streamed = state === STREAMING;
          ex.finish();
          if (streamed) return late!(err);
          req.destroy();
          source?.body.destroy();
          reject(err);
        },
        finish: () => {
          if (state !== DONE) span?.end();
          state = DONE;
          clearTimeout(timer);
          if (connectTimer) clearTimeout(connectTimer);
        },
      };
      let req: ClientRequest;
      try {
        req = new ClientRequest(
          {
            protocol: origin.https ? 'https:' : 'http:', hostname: origin.hostname, port: origin.port, path: call.path, method: call.method,
            headers: call.headers, agent: origin.https ? this.httpsAgent : this.httpAgent,
          },
          context.bind(parent, (res: IncomingMessage) => {
            span?.setAttribute('http.response.status_code', res.statusCode ?? 0);
            respond(res, ex);
          }),
        );
      } catch (err) {
        // invalid characters in the path or a header (thrown synchronously by node:http)
        if (span) span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message }).end();
        reject(new ExchangeError('network', 0, `Graph call not sent: ${(err as Error).message}`, false));
        return;
      }
      const timer = setTimeout(() => ex.fail(new ExchangeError('timeout', 0, `Graph call timed out after ${timeoutMs} ms`, connected)), timeoutMs);
      req.on('socket', (socket: Socket) => {
        if (!socket.connecting) {
          connected = true;
          return;
        }
        const connectMs = Math.min(this.connectTimeoutMs, timeoutMs);
        connectTimer = setTimeout(
          () => ex.fail(new ExchangeError('connect-timeout', 0, `Graph connection not established within ${connectMs} ms`, false)),
          connectMs,
        );
        socket.once(origin.https ? 'secureConnect' : 'connect', () => {
          connected = true;
          if (connectTimer) clearTimeout(connectTimer);
        });
      });
      req.on('error', (err: Error & { code?: string }) => {
        ex.fail(new ExchangeError('network', 0, `Graph call failed: ${err.code ?? err.message}`, connected && !(err.code !== undefined && NOT_SENT.has(err.code))));
      });
      if (!source) {
        req.end(payload);
        return;
      }
      // A streamed body, with backpressure; a wrong length is refused here rather than left
      // for Graph to wait on (too short) or to misread (too long).
      const declared = source.length;
      let sent = 0;
      const cut = (why: string) => ex.fail(new ExchangeError('source', 0, `Graph call not completed: the request body ${why}`, false));
      source.body.on('data', (chunk: Buffer | string) => {
        if (state === DONE) return;
        sent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        if (declared !== undefined && sent > declared) return cut(`is longer than its declared ${declared} bytes`);
        if (!req.write(chunk)) source.body.pause();
      });
      req.on('drain', () => source.body.resume());
      source.body.once('end', () => {
        sourceEnded = true;
        if (declared !== undefined && sent !== declared) return cut(`ended after ${sent} of its declared ${declared} bytes`);
        req.end();
      });
      source.body.on('error', (err: Error) => cut(`failed: ${err.message}`));
    });
  }

  /** Reads an answer whole, up to the client's bound. */
  private read(res: IncomingMessage, ex: Exchange<Answer>): void {
    const status = res.statusCode ?? 0;
    const max = this.maxResponseBytes;
    const tooLarge = () =>
      new ExchangeError('too-large', status, `Graph answered ${status} with more than ${max} bytes`, status >= 200 && status < 300);
    if (declaredLength(res) > max) {
      res.on('error', ignore); // destroyed unread: its abort is expected
      ex.fail(tooLarge());
      return;
    }
    // One chunk is the usual case for Graph's small answers: no array, no concat.
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return ex.fail(tooLarge());
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    res.on('end', () => {
      const bytes = more ? Buffer.concat(more, size) : first;
      ex.succeed({ status, text: bytes ? bytes.toString('utf8') : '' });
    });
    res.on('error', (err: Error) => ex.fail(new ExchangeError('network', status, `Graph answer broken off: ${err.message}`, true)));
    res.on('close', () => {
      if (!res.complete) ex.fail(new ExchangeError('network', status, 'Graph answer broken off', true));
    });
  }

  /** Hands a 2xx body on as a stream bounded by `max` (an error answer is read whole). */
  private stream(res: IncomingMessage, ex: Exchange<Answer | StreamedAnswer>, max: number): void {
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) return this.read(res, ex);
    const tooLarge = () => new ExchangeError('too-large', status, `Graph answered ${status} with more than ${max} bytes`, true);
    const declared = declaredLength(res);
    if (declared > max) {
      res.on('error', ignore);
      ex.fail(tooLarge());
      return;
    }
    let body: Readable;
    if (!Number.isNaN(declared)) body = res; // node's parser ends the body at its declared length
    else {
      let size = 0;
      body = new Transform({
        transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
          size += chunk.length;
          if (size <= max) return done(null, chunk);
          ex.fail(tooLarge());
          done();
        },
      });
      pipeline(res, body as Transform, ignore); // breaking either breaks both; the reader sees the error on `body`
    }
    // Errors stay on the stream (`errored`, thrown to a reader) without crashing a process that never read it.
    body.on('error', ignore);
    res.on('error', ignore);
    res.on('close', () => (res.complete ? ex.finish() : ex.fail(new ExchangeError('network', status, 'Graph answer broken off', true))));
    ex.succeed({ status, body, length: Number.isNaN(declared) ? undefined : declared, contentType: res.headers['content-type'] }, (err) =>
      body.destroy(new GraphStreamError(err.kind, err.status, err.message)),
    );
  }

  private cachedOrigin(baseUrl: string): Origin {
    let origin = this.origins.get(baseUrl);
    if (origin) return origin;
    origin = originOf(parseUrl(baseUrl, 'base URL'), undefined);
    if (this.origins.size >= ORIGIN_CACHE_LIMIT) this.origins.clear();
    this.origins.set(baseUrl, origin);
    return origin;
  }
}

function parseUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ExchangeError('network', 0, `Graph ${what} is not a URL: ${text.slice(0, 200)}`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ExchangeError('network', 0, `Graph ${what} must be http(s): ${url.protocol}`, false);
  return url;
}

/** `prefix` undefined: the URL's path (a base URL's), without a trailing slash. */
function originOf(url: URL, prefix: string | undefined): Origin {
  return {
    https: url.protocol === 'https:',
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port,
    prefix: prefix ?? url.pathname.replace(/\/+$/, ''),
  };
}

/** The answer's Content-Length; NaN when it has none (chunked). */
function declaredLength(res: IncomingMessage): number {
  const header = res.headers['content-length'];
  return header === undefined ? NaN : Number(header);
}

function failureOf(err: unknown): GraphFailure {
  if (err instanceof ExchangeError) return transportFailure(err.kind, err.status, err.message, err.outcomeUnknown);
  // a bug of ours, not Graph's: still a value, and nothing proves the call did not go out
  return transportFailure('network', 0, `Graph call failed: ${(err as Error).message}`, true);
}

function parse(text: string): { body: unknown; raw: string | undefined } {
  try {
    return { body: JSON.parse(text) as unknown, raw: undefined };
  } catch {
    return { body: undefined, raw: text };
  }
}
