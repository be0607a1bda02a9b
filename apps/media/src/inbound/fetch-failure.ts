import type { MediaFailureReason } from '@wabridge/contracts';

/**
 * What one failed fetch of an inbound media object means for the next step (ADR 0103):
 * - `transient`: network, timeout, 5xx, 429, Graph's "try later" codes: try again after a pause;
 * - `url_expired`: the download URL is unknown or expired (Meta's lives 5 minutes): ask Graph
 *   for a fresh URL at once;
 * - `corrupt`: the bytes do not match Meta's sha256: try again, then give up (`sha256_mismatch`);
 * - `permanent`: no retry can help; the object is recorded as failed with `reason`.
 */
export type FetchFailureKind = 'transient' | 'url_expired' | 'corrupt' | 'permanent';

export class MediaFetchError extends Error {
  constructor(
    readonly kind: FetchFailureKind,
    message: string,
    readonly reason?: MediaFailureReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MediaFetchError';
  }

  static permanent(reason: MediaFailureReason, message: string): MediaFetchError {
    return new MediaFetchError('permanent', message, reason);
  }
}

/** Graph error codes that mean "later" (throttling, temporary outage), whatever the HTTP status. */
const RETRY_LATER_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 133004]);
/** Graph error codes of a token or permission refusal. */
const AUTH_CODES = new Set([10, 102, 190, 200, 294, 3]);

function graphCode(body: unknown): number | undefined {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

function describe(what: string, status: number, body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body) ?? '';
  return `${what} answered ${status}: ${text.slice(0, 300)}`;
}

/** A non-2xx answer of `GET /{version}/{media-id}` (the body parsed as JSON when it was). */
export function classifyRetrieveAnswer(status: number, body: unknown): MediaFetchError {
  const code = graphCode(body);
  const message = describe('Graph GET /{media-id}', status, body);
  if (status === 401 || (code !== undefined && AUTH_CODES.has(code))) return MediaFetchError.permanent('auth_refused', message);
  if (status === 408 || status === 429 || status >= 500 || (code !== undefined && RETRY_LATER_CODES.has(code))) return new MediaFetchError('transient', message);
  // Meta: 400 code 100 "Unsupported get request. Object with ID … does not exist" — unknown, deleted or past its 7 days.
  if (status === 404 || code === 100) return MediaFetchError.permanent('media_unknown', message);
  if (status === 403) return MediaFetchError.permanent('auth_refused', message);
  return MediaFetchError.permanent('graph_refused', message);
}

/** A non-2xx answer of the download URL. */
export function classifyDownloadAnswer(status: number, body: unknown): MediaFetchError {
  const message = describe('the media download URL', status, body);
  // Meta (and the sandbox) answer 404 once the signed URL expired; a CDN may say 403 or 410.
  if (status === 403 || status === 404 || status === 410) return new MediaFetchError('url_expired', message);
  if (status === 401) return MediaFetchError.permanent('auth_refused', message);
  if (status === 408 || status === 429 || status >= 500) return new MediaFetchError('transient', message);
  return MediaFetchError.permanent('graph_refused', message);
}

/** Anything thrown while fetching: ours as classified, everything else (network, abort, timeout, disk) transient. */
export function classifyThrown(err: unknown): MediaFetchError {
  if (err instanceof MediaFetchError) return err;
  const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const detail = typeof e?.cause?.message === 'string' ? `: ${e.cause.message}` : '';
  const message = name === 'TimeoutError' ? 'timed out' : `${typeof e?.message === 'string' ? e.message : String(err)}${detail}`;
  return new MediaFetchError('transient', message, undefined, { cause: err });
}

/**
 * The pause before durable round `round` (1-based; rounds after the consumer's own): exponential
 * from `baseMs`, capped, with up to 20 % jitter from `random` so many objects failing together
 * do not come back together.
 */
export function roundBackoffMs(round: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, round - 1));
  return Math.round(exp * (1 - 0.2 * random()));
}

/** Meta writes sha256 as hex (retrieve) or base64 (some webhooks): hex, or undefined when it is neither. */
export function normalizeSha256(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return v.toLowerCase();
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const bytes = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes.toString('hex');
  }
  return undefined;
}
