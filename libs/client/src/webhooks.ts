import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookEventMap } from './generated/webhook-events';
import { WEBHOOK_EVENT_TYPES } from './generated/webhook-events';

/**
 * Verifying the notifier's deliveries (Standard Webhooks, docs/notifier.md): `webhook-signature`
 * holds one or more space-separated `v1,<base64 HMAC-SHA256>` over
 * `"<webhook-id>.<webhook-timestamp>.<raw body>"`, keyed by the base64-decoded part of the
 * endpoint's `whsec_…` secret; signatures are compared in constant time, and a timestamp more
 * than `toleranceSeconds` away from now (either way) is refused as a possible replay.
 */

export type WebhookEventType = keyof WebhookEventMap;
export type WebhookEvent = WebhookEventMap[WebhookEventType];
export type { WebhookEventMap };

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export type WebhookFailure = 'missing_header' | 'invalid_timestamp' | 'timestamp_out_of_tolerance' | 'invalid_signature' | 'invalid_body';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(readonly reason: WebhookFailure, message: string) {
    super(message);
  }
}

export interface VerifyWebhookOptions {
  /** Largest accepted distance between the delivery's timestamp and now (default 300 s). */
  toleranceSeconds?: number;
  /** Current time in ms (default Date.now); injected by tests. */
  now?: () => number;
}

export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v.join(' ') : v;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

function bytes(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function hmac(secret: string, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(bytes(body)).digest();
}

/** The `webhook-signature` value the notifier would send (for your own tests and local tools). */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  return `v1,${hmac(secret, id, String(timestampSeconds), body).toString('base64')}`;
}

/**
 * Checks a delivery and returns its parsed body, typed by `type`; throws a
 * WebhookVerificationError (with a `reason`) otherwise. `rawBody` must be the exact bytes
 * received (not a re-serialized object). `secret` may be a list while you rotate your own copy.
 */
export function verifyWebhook(secret: string | readonly string[], headers: WebhookHeaders, rawBody: string | Uint8Array, options: VerifyWebhookOptions = {}): WebhookEvent {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signature) throw new WebhookVerificationError('missing_header', 'webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not unix seconds');
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError('timestamp_out_of_tolerance', `webhook-timestamp is more than ${tolerance} s away from now`);
  }
  const presented = signature.split(' ').filter((s) => s.startsWith('v1,')).map((s) => Buffer.from(s.slice(3), 'base64'));
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const ok = secrets.some((s) => {
    const expected = hmac(s, id, timestamp, rawBody);
    // every candidate is compared (no early exit on the first mismatch's position)
    return presented.reduce((found, sig) => (sig.length === expected.length && timingSafeEqual(sig, expected)) || found, false);
  });
  if (!ok) throw new WebhookVerificationError('invalid_signature', 'no webhook-signature matches the body and secret');
  let body: unknown;
  try {
    body = JSON.parse(bytes(rawBody).toString('utf8'));
  } catch {
    throw new WebhookVerificationError('invalid_body', 'the body is not JSON');
  }
  const b = body as { type?: unknown; timestamp?: unknown; data?: unknown };
  if (typeof body !== 'object' || body === null || typeof b.type !== 'string' || typeof b.timestamp !== 'string' || typeof b.data !== 'object' || b.data === null) {
    throw new WebhookVerificationError('invalid_body', 'the body is not {type, timestamp, data}');
  }
  return body as WebhookEvent;
}

/** Narrows a verified event to one type: `if (isWebhookEvent(e, 'message.received')) e.data.from…`. */
export function isWebhookEvent<T extends WebhookEventType>(event: { type: string }, type: T): event is WebhookEventMap[T] {
  return event.type === type;
}

/** Whether this client version knows the event type (newer platforms may add types). */
export function isKnownWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}
