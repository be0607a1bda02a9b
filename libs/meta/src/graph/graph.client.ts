// Named imports on purpose: they compile to property reads of the module object at call time,
// so OpenTelemetry's patched `request` is used even when this module loaded first.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import {
  httpFailure,
  transportFailure,
  type GraphFailure,
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

export interface GraphRequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  query?: Readonly<Record<string, string>>;
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

interface Answer {
  status: number;
  text: string;
}

/** A failed exchange before a full answer: carries what the outcome needs. */
class ExchangeError extends Error {
  constructor(readonly kind: GraphFailureKind, readonly status: number, message: string, readonly outcomeUnknown: boolean) {
    super(message);
  }
}

/**
 * The one Graph API client (ADR 0187): node:http(s) over keep-alive agents (far less
 * per-call overhead than fetch at thousands of sends per second), an overall and a connect
 * timeout, a bounded answer, bearer token, base URL and version per call (each number has its
 * own: Meta or the sandbox). Every failure comes back as a value classified by the error
 * taxonomy, never as a throw, with `outcomeUnknown` telling a caller whether a resend could
 * duplicate. Outgoing calls are node:http requests, so OpenTelemetry's http instrumentation
 * traces them and `untraced(fn)` suppresses that.
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

  /** `METHOD {baseUrl}/{version}/{path}?{query}`; a 2xx answer is `{ok: true, body}`, anything else a `GraphFailure`. */
  async request(target: GraphTarget, method: GraphMethod, path: string, options: GraphRequestOptions = {}): Promise<GraphOutcome> {
    let answer: Answer;
    try {
      answer = await this.exchange(target, method, path.replace(/^\/+/, ''), options.query, options.body === undefined ? undefined : JSON.stringify(options.body));
    } catch (err) {
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
      answer = await this.exchange(target, 'POST', `${phoneNumberId}/messages`, undefined, JSON.stringify(message));
    } catch (err) {
      return failureOf(err);
    }
    const { body, raw } = parse(answer.text);
    if (answer.status < 200 || answer.status >= 300) return httpFailure(answer.status, body, raw);
    const wamid = (body as { messages?: { id?: unknown }[] } | null | undefined)?.messages?.[0]?.id;
    if (typeof wamid === 'string' && wamid !== '') return { ok: true, status: answer.status, wamid };
    return transportFailure('no-wamid', answer.status, `Graph answered ${answer.status} without messages[0].id`, true);
  }

  /** Closes every kept-alive socket (at shutdown; calls after this still work on new sockets). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private exchange(target: GraphTarget, method: GraphMethod, path: string, query: GraphRequestOptions['query'], payload: string | undefined): Promise<Answer> {
    const origin = this.originOf(target.baseUrl);
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query as Record<string, string>).toString()}` : '';
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (target.token !== null) headers.authorization = `Bearer ${target.token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      /** The connection was up (new or reused), so bytes may have reached Graph. */
      let connected = false;
      let connectTimer: NodeJS.Timeout | undefined;
      const settle = (err: ExchangeError | null, answer?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (connectTimer) clearTimeout(connectTimer);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(answer!);
      };
      let req: ClientRequest;
      try {
        req = (origin.https ? httpsRequest : httpRequest)(
          { hostname: origin.hostname, port: origin.port, path: `${origin.prefix}/${target.version}/${path}${search}`, method, headers, agent: origin.https ? this.httpsAgent : this.httpAgent },
          (res) => this.read(res, settle),
        );
      } catch (err) {
        // invalid characters in the path or a header (thrown synchronously by node:http)
        reject(new ExchangeError('network', 0, `Graph call not sent: ${(err as Error).message}`, false));
        return;
      }
      const timer = setTimeout(() => settle(new ExchangeError('timeout', 0, `Graph call timed out after ${this.timeoutMs} ms`, connected)), this.timeoutMs);
      req.on('socket', (socket: Socket) => {
        if (!socket.connecting) {
          connected = true;
          return;
        }
        connectTimer = setTimeout(
          () => settle(new ExchangeError('connect-timeout', 0, `Graph connection not established within ${this.connectTimeoutMs} ms`, false)),
          this.connectTimeoutMs,
        );
        socket.once(origin.https ? 'secureConnect' : 'connect', () => {
          connected = true;
          if (connectTimer) clearTimeout(connectTimer);
        });
      });
      req.on('error', (err: Error & { code?: string }) => {
        settle(new ExchangeError('network', 0, `Graph call failed: ${err.code ?? err.message}`, connected && !(err.code !== undefined && NOT_SENT.has(err.code))));
      });
      req.end(payload);
    });
  }

  private read(res: IncomingMessage, settle: (err: ExchangeError | null, answer?: Answer) => void): void {
    const status = res.statusCode ?? 0;
    const max = this.maxResponseBytes;
    const tooLarge = () =>
      new ExchangeError('too-large', status, `Graph answered ${status} with more than ${max} bytes`, status >= 200 && status < 300);
    const declared = Number(res.headers['content-length']);
    if (declared > max) {
      res.on('error', () => undefined); // destroyed unread below: its abort is expected
      settle(tooLarge());
      return;
    }
    // One chunk is the usual case for Graph's small answers: no array, no concat.
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return settle(tooLarge());
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    res.on('end', () => {
      const bytes = more ? Buffer.concat(more, size) : first;
      settle(null, { status, text: bytes ? bytes.toString('utf8') : '' });
    });
    res.on('error', (err: Error) => settle(new ExchangeError('network', status, `Graph answer broken off: ${err.message}`, true)));
    res.on('close', () => {
      if (!res.complete) settle(new ExchangeError('network', status, 'Graph answer broken off', true));
    });
  }

  private originOf(baseUrl: string): Origin {
    let origin = this.origins.get(baseUrl);
    if (origin) return origin;
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new ExchangeError('network', 0, `Graph base URL is not a URL: ${baseUrl.slice(0, 200)}`, false);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ExchangeError('network', 0, `Graph base URL must be http(s): ${url.protocol}`, false);
    origin = {
      https: url.protocol === 'https:',
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      prefix: url.pathname.replace(/\/+$/, ''),
    };
    if (this.origins.size >= ORIGIN_CACHE_LIMIT) this.origins.clear();
    this.origins.set(baseUrl, origin);
    return origin;
  }
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
