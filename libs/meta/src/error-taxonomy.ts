import { randomBytes } from 'node:crypto';

/**
 * Meta Graph / Cloud API error taxonomy (DESIGN.md §5): which class an error code belongs to,
 * what to do about it, and whether it arrives in the HTTP response or later in a webhook.
 *
 * Branch on `error.code`, never on the HTTP status: Meta's statuses are inconsistent across
 * versions. The HTTP status only decides when there is no code at all.
 */

export type ErrorClass = 'throttled' | 'transient' | 'auth' | 'permanent' | 'template' | 'quality' | 'unknown';

export const ERROR_CLASSES: readonly ErrorClass[] = [
  'throttled',
  'transient',
  'auth',
  'permanent',
  'template',
  'quality',
  'unknown',
];

/** The per-code rows of the DESIGN.md §5 table (ranges are handled in classifyMetaError). */
const CODE_CLASS: ReadonlyMap<number, ErrorClass> = new Map<number, ErrorClass>([
  // throttled: back off, retry
  [4, 'throttled'], // application request limit
  [80007, 'throttled'], // WABA rate limit
  [130429, 'throttled'], // per-number throughput exceeded
  [131056, 'throttled'], // business/recipient pair rate limit
  [131057, 'throttled'], // account in throughput upgrade (~1 min)
  [133016, 'throttled'], // register/deregister attempts exceeded
  // transient: bounded retry with jitter
  [1, 'transient'], // API unknown
  [2, 'transient'], // API service unavailable
  [131000, 'transient'], // something went wrong
  [131016, 'transient'], // service unavailable
  [133004, 'transient'], // server temporarily unavailable
  // auth / config: pause the number
  [0, 'auth'], // AuthException
  [3, 'auth'], // API method / capability
  [10, 'auth'], // permission denied
  [190, 'auth'], // access token expired or invalid
  [368, 'auth'], // temporarily blocked for policy violations
  [130497, 'auth'], // business account restricted from messaging users in this country
  [131031, 'auth'], // business account locked
  [131045, 'auth'], // incorrect certificate / number not registered
  [131063, 'auth'],
  [133010, 'auth'], // phone number not registered
  // permanent: fail fast, tell the customer
  [100, 'permanent'], // invalid parameter
  [130403, 'permanent'],
  [131008, 'permanent'], // required parameter missing
  [131009, 'permanent'], // parameter value invalid
  [131021, 'permanent'], // sender and recipient are the same
  [131026, 'permanent'], // message undeliverable
  [131047, 'permanent'], // re-engagement: more than 24 h since the user last wrote
  [131050, 'permanent'], // user stopped marketing messages
  [131051, 'permanent'], // unsupported message type
  [131062, 'permanent'],
  // Beyond the §5 class table: §5 lists 131053 as an asynchronous error. Meta could not fetch or
  // process the media; resending the same body fails the same way, so it is permanent.
  [131053, 'permanent'],
  // template: fail, emit a template event
  [132000, 'template'], // parameter count mismatch
  [132001, 'template'], // template does not exist (in that language)
  [132005, 'template'], // translated text too long
  [132007, 'template'], // content policy violation
  [132012, 'template'], // parameter format mismatch
  [132015, 'template'], // template paused (low quality)
  [132016, 'template'], // template disabled
  [132068, 'template'], // flow blocked
  [132069, 'template'], // flow throttled
  // quality: fail, lower the number's budget
  [131048, 'quality'], // spam rate limit
  [131049, 'quality'], // per-user marketing limit (healthy ecosystem)
  [131064, 'quality'],
]);

/** Template errors that are not individually listed still belong to the template class. */
const TEMPLATE_RANGE = { from: 132000, to: 132016 } as const;
/** Graph permission errors (200-299) are all "this token may not do that". */
const PERMISSION_RANGE = { from: 200, to: 299 } as const;

const inRange = (code: number, range: { from: number; to: number }) => code >= range.from && code <= range.to;

/**
 * Class of a Meta error. `code` is Meta's `error.code`; pass `undefined` when there was no
 * parsable error body (timeouts and connection failures also have no `httpStatus`).
 */
export function classifyMetaError(code: number | undefined, httpStatus?: number): ErrorClass {
  if (code !== undefined && Number.isInteger(code)) {
    const known = CODE_CLASS.get(code);
    if (known) return known;
    if (inRange(code, PERMISSION_RANGE)) return 'auth';
    if (inRange(code, TEMPLATE_RANGE)) return 'template';
  }
  // No code we know: the transport outcome is all there is to go on.
  if (httpStatus === undefined) return code === undefined ? 'transient' : 'unknown'; // timeout / reset
  if (httpStatus >= 500) return 'transient';
  if (httpStatus === 429) return 'throttled';
  return 'unknown';
}

/** Codes Meta reports in the Graph HTTP response (DESIGN.md §5). */
const SYNC_CODES: ReadonlySet<number> = new Set([
  0, 1, 2, 3, 4, 10, 100, 190, 80007, 130429, 131000, 131008, 131009, 131016, 131021, 131056, 131057, 133004,
  133010, 133016,
]);
/** Codes that arrive later as a `failed` status for a message Graph had accepted. */
const ASYNC_CODES: ReadonlySet<number> = new Set([131026, 131047, 131048, 131049, 131050, 131053, 131064]);

export function isSynchronousCode(code: number): boolean {
  return SYNC_CODES.has(code) || inRange(code, PERMISSION_RANGE) || inRange(code, TEMPLATE_RANGE);
}

export function isAsynchronousCode(code: number): boolean {
  return ASYNC_CODES.has(code);
}

export type RetryPolicy =
  /** Wait for the number's throughput bucket, then retry; do not count against attempts. */
  | 'backoff-per-number'
  /** Wait for the business/user pair's bucket (4^n s after 131056), then retry. */
  | 'backoff-per-pair'
  /** Retry a few times with exponential backoff and jitter, then dead-letter. */
  | 'bounded-with-jitter'
  | 'none';

export interface ErrorAction {
  readonly retry: RetryPolicy;
  /** Stop sending from this number and hold its queue until someone fixes the account. */
  readonly pauseNumber: boolean;
  /** The message is failed for good (after any retries the policy allows). */
  readonly failMessage: boolean;
  /** Emit a template event so the template's status/quality can be refreshed. */
  readonly emitTemplateEvent: boolean;
  /** Lower the number's sending budget (quality problems make Meta stricter). */
  readonly lowerBudget: boolean;
  /** Do not send this user another marketing message before this much time has passed. */
  readonly holdRecipientMs?: number;
  readonly alert: boolean;
  readonly summary: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const PAIR_LIMIT_CODE = 131056;
const MARKETING_LIMIT_CODE = 131049;

/**
 * What the dispatcher does about an error of class `cls`. The code refines two rows of the
 * table: the pair limit backs off per recipient instead of per number, and the per-user
 * marketing limit forbids a resend for 24 h.
 */
export function errorAction(cls: ErrorClass, code?: number): ErrorAction {
  const none = { pauseNumber: false, emitTemplateEvent: false, lowerBudget: false, alert: false };
  switch (cls) {
    case 'throttled':
      return code === PAIR_LIMIT_CODE
        ? { ...none, retry: 'backoff-per-pair', failMessage: false, summary: 'back off for this recipient, retry' }
        : { ...none, retry: 'backoff-per-number', failMessage: false, summary: 'back off for this number, retry' };
    case 'transient':
      return { ...none, retry: 'bounded-with-jitter', failMessage: true, summary: 'bounded retry with jitter, then DLQ' };
    case 'auth':
      return {
        ...none,
        retry: 'none',
        pauseNumber: true,
        failMessage: false, // held with the paused queue, not failed: it goes out once fixed
        alert: true,
        summary: 'pause the number, alert, hold its queue',
      };
    case 'permanent':
      return { ...none, retry: 'none', failMessage: true, summary: 'fail fast, tell the customer' };
    case 'template':
      return { ...none, retry: 'none', failMessage: true, emitTemplateEvent: true, summary: 'fail, emit template event' };
    case 'quality':
      return {
        ...none,
        retry: 'none',
        failMessage: true,
        lowerBudget: true,
        ...(code === MARKETING_LIMIT_CODE ? { holdRecipientMs: DAY_MS } : {}),
        summary: code === MARKETING_LIMIT_CODE ? 'fail, lower budget, no resend for 24 h' : 'fail, lower budget',
      };
    case 'unknown':
      // A code we have never classified: failing loudly beats retrying something that may be
      // permanent, and the alert is how the table above learns the new code.
      return { ...none, retry: 'none', failMessage: true, alert: true, summary: 'fail, alert (unclassified code)' };
  }
}

/** A Meta error as a value: Graph response errors and `statuses[].errors[]` alike. */
export interface MetaGraphError {
  readonly class: ErrorClass;
  /** Meta's `error.code`; undefined when the response had no parsable error. */
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  /** Graph's `error.type`, e.g. OAuthException. */
  readonly type: string | undefined;
  readonly message: string;
  /** `error_data.details`: Meta's most specific explanation. */
  readonly details: string | undefined;
  readonly fbtraceId: string | undefined;
  /** Undefined for errors that came in a webhook rather than an HTTP response. */
  readonly httpStatus: number | undefined;
}

/**
 * Reads Meta's error response `{error: {message, type, code, error_subcode?, error_data?:
 * {details}, fbtrace_id}}`. Accepts the parsed body, its text or its bytes; anything else
 * (HTML from a proxy, empty body, wrong types) still yields a classified error, never a throw.
 */
export function parseGraphError(httpStatus: number, body: unknown): MetaGraphError {
  const error = asRecord(asRecord(parseBody(body))?.error);
  const code = integer(error?.code);
  const message =
    text(error?.message) ??
    (error ? `Graph error ${code ?? '(no code)'}` : `HTTP ${httpStatus} without a Graph error body`);
  return {
    class: classifyMetaError(code, httpStatus),
    code,
    subcode: integer(error?.error_subcode),
    type: text(error?.type),
    message,
    details: text(asRecord(error?.error_data)?.details),
    fbtraceId: text(error?.fbtrace_id),
    httpStatus,
  };
}

/** Reads one `statuses[].errors[]` / `value.errors[]` item of a webhook: `{code, title, message, error_data}`. */
export function parseWebhookError(value: unknown): MetaGraphError {
  const error = asRecord(value);
  const code = integer(error?.code);
  return {
    class: code === undefined ? 'unknown' : classifyMetaError(code, undefined),
    code,
    subcode: undefined,
    type: undefined,
    message: text(error?.message) ?? text(error?.title) ?? `Webhook error ${code ?? '(no code)'}`,
    details: text(asRecord(error?.error_data)?.details),
    fbtraceId: undefined,
    httpStatus: undefined,
  };
}

export interface MetaErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

export interface MetaErrorBodyOptions {
  /** Graph's error type; Cloud API errors are almost all OAuthException. */
  type?: string;
  subcode?: number;
  details?: string;
  /** Pass one for deterministic output; otherwise a random id shaped like Meta's. */
  fbtraceId?: string;
}

/**
 * Meta's error response body, field for field, so the sandbox can answer exactly like Graph.
 * `message` is used verbatim: Meta's own messages start with `(#<code>) `, pass it that way.
 */
export function metaErrorBody(code: number, message: string, opts: MetaErrorBodyOptions = {}): MetaErrorBody {
  return {
    error: {
      message,
      type: opts.type ?? 'OAuthException',
      code,
      ...(opts.details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details: opts.details } }),
      ...(opts.subcode === undefined ? {} : { error_subcode: opts.subcode }),
      fbtrace_id: opts.fbtraceId ?? `A${randomBytes(16).toString('base64url').slice(0, 22)}`,
    },
  };
}

function parseBody(body: unknown): unknown {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  // Some proxies and older SDK fixtures carry codes as strings.
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
