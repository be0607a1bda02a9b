import { randomBytes } from 'node:crypto';
import { apiKeyMatches, hashApiKey } from './api-key';

/**
 * OAuth client ids look like `wbc_<16 base32>` (public, shown in lists), secrets like
 * `wbcs_<43 base64url>` (256 bits, shown once). Secrets are stored as SHA-256 — the same
 * reasoning as API keys (ADR 0010, 0161): a random 256-bit secret cannot be brute-forced, so a
 * slow KDF (scrypt) would only cost CPU on every token request.
 */
export const CLIENT_ID_PATTERN = /^wbc_[a-z2-7]{16}$/;
export const CLIENT_SECRET_PATTERN = /^wbcs_[A-Za-z0-9_-]{43}$/;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function generateClientId(): string {
  const bytes = randomBytes(16);
  let out = 'wbc_';
  for (let i = 0; i < 16; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

export function generateClientSecret(): { secret: string; hash: Buffer } {
  const secret = `wbcs_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashApiKey(secret) };
}

export const clientSecretMatches = (secret: string, storedHash: Buffer | null | undefined): boolean =>
  !!storedHash && CLIENT_SECRET_PATTERN.test(secret) && apiKeyMatches(secret, storedHash);
