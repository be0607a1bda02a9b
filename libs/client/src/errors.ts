/** Everything the client throws is a WabridgeError. */
export class WabridgeError extends Error {
  override name = 'WabridgeError';
}

/**
 * The gateway answered with a non-2xx status. `code`, `message` and `details` come from the
 * `{error: {code, message, details?}}` body (on the Cloud-API-compatible routes Meta's
 * `{error: {message, type, code}}`, whose numeric code is given as a string); `body` is the
 * whole parsed answer.
 */
export class WabridgeApiError extends WabridgeError {
  override name = 'WabridgeApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly body: unknown,
    readonly headers: Headers,
    /** Attempts made (1 + retries). */
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** No answer within the timeout (each attempt has its own). */
export class WabridgeTimeoutError extends WabridgeError {
  override name = 'WabridgeTimeoutError';
  constructor(readonly timeoutMs: number, readonly attempts: number) {
    super(`no answer within ${timeoutMs} ms (attempt ${attempts})`);
  }
}

/** The request did not reach the gateway or the connection broke. */
export class WabridgeNetworkError extends WabridgeError {
  override name = 'WabridgeNetworkError';
  constructor(message: string, readonly attempts: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Reads `{error:{code,message,details}}` (or Meta's shape) out of an error answer. */
export function apiErrorFrom(status: number, body: unknown, headers: Headers, attempts: number): WabridgeApiError {
  const err = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown; details?: unknown };
    const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : `http_${status}`;
    const message = typeof e.message === 'string' ? e.message : `HTTP ${status}`;
    return new WabridgeApiError(status, code, message, e.details, body, headers, attempts);
  }
  const text = typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : '';
  return new WabridgeApiError(status, `http_${status}`, `HTTP ${status}${text}`, undefined, body, headers, attempts);
}
