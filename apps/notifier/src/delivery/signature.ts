import { createHmac, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from '@wabridge/contracts';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * Signing keys by secret: `createHmac` with a KeyObject costs ~4 µs, with the raw bytes ~30 µs
 * (Node 24 imports them into a key each time; ADR 0098). Bounded: cleared when full.
 */
const keys = new Map<string, KeyObject>();
const KEYS_MAX = 10_000;

function signingKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64'));
    if (keys.size >= KEYS_MAX) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`, keyed by the base64-decoded part after `whsec_`. */
export function signatureFor(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The `webhook-signature` header: one signature per active secret, space-separated (rotation overlap). */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => signatureFor(s, id, timestamp, body)).join(' ');
}
