import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/** The `X-Hub-Signature-256` value Meta sends for `raw` under the app secret. */
export function signWebhookBody(raw: Buffer | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(raw).digest('hex');
}

/**
 * Checks `X-Hub-Signature-256` against the HMAC-SHA256 of the exact raw bytes, in constant
 * time. Never re-serialize the JSON before calling this: escapes and spacing change the bytes.
 */
export function verifyWebhookSignature(
  raw: Buffer,
  header: string | string[] | undefined,
  appSecret: string,
): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length);
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}
