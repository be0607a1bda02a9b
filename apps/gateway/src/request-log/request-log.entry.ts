import { redact, REDACTED, redactText } from '@wabridge/telemetry';

/** One tenant API call as captured on the request path: references only, no work. */
export interface CapturedCall {
  tenantId: string;
  at: number;
  method: string;
  /** The URL as requested (query string included); redacted in `toRow`. */
  path: string;
  status: number;
  latencyMs: number;
  idempotencyKey?: string;
  /** The parsed JSON request body (other bodies — uploads, CSV — are not kept). */
  requestBody?: unknown;
  /** The serialized response body when it is JSON. */
  responsePayload?: string;
}

/** A row as stored: bodies redacted and bounded, the error code read from the answer. */
export interface RequestLogRow {
  id: string;
  tenantId: string;
  at: Date;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  idempotencyKey: string | null;
  errorCode: string | null;
  requestBody: string | null;
  responseBody: string | null;
}

/**
 * Redacts a body of tokens and secrets (the same rules as the logs, ADR 0179) and bounds it:
 * above `maxBytes` of JSON it is kept as `{truncated: true, bytes, head}` with the first
 * `maxBytes` characters of the redacted JSON, so a stored row is always valid JSON and never
 * holds a secret, whatever was cut.
 */
export function storedBody(body: unknown, maxBytes: number): string | null {
  if (body === undefined || body === null) return null;
  const json = JSON.stringify(redact(body));
  if (json === undefined) return null;
  if (Buffer.byteLength(json) <= maxBytes) return json;
  return JSON.stringify({ truncated: true, bytes: Buffer.byteLength(json), head: json.slice(0, maxBytes) });
}

/**
 * A request's top-level `code` is a one-time secret on our routes (the embedded-signup code, a
 * phone verification code): kept out of the log like a PIN. Nested `code`s (a template's
 * `language.code`) and answers' error codes stay readable.
 */
export function withoutOneTimeCode(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('code' in body)) return body;
  return { ...(body as Record<string, unknown>), code: REDACTED };
}

/** Our error shape's `error.code`, or the Cloud API's numeric `error.code`. */
export function errorCodeOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : null;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Turns a captured call into its row (in the writer, off the request path). */
export function toRow(id: string, call: CapturedCall, maxBodyBytes: number): RequestLogRow {
  const response = parseJson(call.responsePayload);
  return {
    id, tenantId: call.tenantId, at: new Date(call.at), method: call.method, path: redactText(call.path), status: call.status,
    latencyMs: call.latencyMs, idempotencyKey: call.idempotencyKey ?? null,
    errorCode: call.status >= 400 ? errorCodeOf(response) : null,
    requestBody: storedBody(withoutOneTimeCode(call.requestBody), maxBodyBytes),
    responseBody: storedBody(response, maxBodyBytes),
  };
}

/**
 * Which calls are recorded: the tenant API (`/v1/…`, except reading this log itself) and the
 * Cloud-API-compatible routes (`/{version}/…`, `/{phone-number-id}/…`). Never admin, health,
 * metrics, OAuth token issuance or the docs.
 */
export function isTenantApiPath(path: string): boolean {
  if (path.startsWith('/v1/')) return !path.startsWith('/v1/request-logs');
  return /^\/(?:v\d+\.\d+\/|\d+\/)/.test(path);
}
