import type { Readable } from 'node:stream';
import { classifyMetaError, errorAction, parseGraphError, type ErrorAction, type MetaGraphError } from '../error-taxonomy';

/** Where a Graph call goes and with which token (`null`: no Authorization header, e.g. the OAuth code exchange). */
export interface GraphTarget {
  /** Real Meta (`https://graph.facebook.com`) or the sandbox; a path prefix is kept. */
  readonly baseUrl: string;
  /** `v23.0`, … */
  readonly version: string;
  readonly token: string | null;
}

export type GraphMethod = 'GET' | 'POST' | 'DELETE';

/**
 * Why a call failed:
 * - `http`: Graph answered with a non-2xx status (its error body is parsed into `error`);
 * - `timeout`: no complete answer within the call's timeout;
 * - `connect-timeout`: a new connection was not established in time (nothing was sent);
 * - `network`: DNS, refused, reset, bad base URL …;
 * - `too-large`: the answer was longer than the client reads;
 * - `no-wamid`: a send answered 2xx without `messages[0].id`;
 * - `source`: a streamed request body failed or did not match its declared length (our side:
 *   the request was cut off, so Graph did not act on it).
 */
export type GraphFailureKind = 'http' | 'timeout' | 'connect-timeout' | 'network' | 'too-large' | 'no-wamid' | 'source';

/** Graph's 2xx answer. `body` is the parsed JSON; when the answer was not JSON it is undefined and `raw` holds the text. */
export interface GraphReply {
  readonly ok: true;
  readonly status: number;
  readonly body: unknown;
  readonly raw?: string;
}

/** A send Graph accepted. */
export interface GraphSent {
  readonly ok: true;
  readonly status: number;
  readonly wamid: string;
}

/** A 2xx download, its body still to be read (or destroyed) by the caller. */
export interface GraphDownload {
  readonly ok: true;
  readonly status: number;
  /** The bytes as they arrive; broken off with a `GraphStreamError` on timeout, overflow or a dropped connection. */
  readonly body: Readable;
  /** Content-Length, when the answer declared one (the body is then exactly that long or errors). */
  readonly length?: number;
  readonly contentType?: string;
}

/**
 * Why a downloaded body stopped before its end (`timeout`, `too-large`, `network`): the
 * error a reader of `GraphDownload.body` gets.
 */
export class GraphStreamError extends Error {
  constructor(readonly kind: GraphFailureKind, readonly status: number, message: string) {
    super(message);
    this.name = 'GraphStreamError';
  }
}

/** A failed call, as a value: never thrown by the client. */
export interface GraphFailure {
  readonly ok: false;
  readonly kind: GraphFailureKind;
  /** Graph's HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** Graph's answer (parsed JSON) when there was one and it was JSON; else undefined and `raw` holds the text. */
  readonly body: unknown;
  readonly raw?: string;
  /** Meta's error read through the taxonomy: class from `error.code`, the HTTP status only without one. */
  readonly error: MetaGraphError;
  /** What to do about it (`errorAction(error.class, error.code)`). */
  readonly action: ErrorAction;
  /**
   * The request may have reached Meta and been acted on (a timeout or a reset after the
   * connection was up, a 2xx that could not be read): reconcile instead of resending blindly.
   * False when it provably never left (DNS, refused, connect timeout) or Graph answered an error.
   */
  readonly outcomeUnknown: boolean;
}

export type GraphOutcome = GraphReply | GraphFailure;
export type GraphSendOutcome = GraphSent | GraphFailure;
export type GraphDownloadOutcome = GraphDownload | GraphFailure;

/** Graph answered non-2xx: its error body decides the class. */
export function httpFailure(status: number, body: unknown, raw: string | undefined): GraphFailure {
  const error = parseGraphError(status, raw ?? body);
  return { ok: false, kind: 'http', status, body, ...(raw === undefined ? {} : { raw }), error, action: errorAction(error.class, error.code), outcomeUnknown: false };
}

/** No answer (or none we could read): transient by the taxonomy (DESIGN.md §5: timeouts retry). */
export function transportFailure(kind: GraphFailureKind, status: number, message: string, outcomeUnknown: boolean): GraphFailure {
  // A 2xx we could not read, or no answer at all, is a transport problem; an error status keeps its class.
  const cls = status === 0 || (status >= 200 && status < 300) ? classifyMetaError(undefined, undefined) : classifyMetaError(undefined, status);
  const error: MetaGraphError = {
    class: cls, code: undefined, subcode: undefined, type: undefined, message, details: undefined, fbtraceId: undefined,
    httpStatus: status === 0 ? undefined : status,
  };
  return { ok: false, kind, status, body: undefined, error, action: errorAction(error.class, error.code), outcomeUnknown };
}
