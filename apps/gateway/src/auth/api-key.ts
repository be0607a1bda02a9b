import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `wbk_live_<prefix>_<secret>`: the prefix (12 lowercase base32 chars) is
 * stored in clear so a key can be found and shown in lists; the whole key is stored only as
 * its SHA-256. The secret has 256 bits of entropy, so a fast hash is enough (no scrypt needed:
 * there is nothing to brute-force), and verification compares digests in constant time.
 */
export const API_KEY_PATTERN = /^wbk_live_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateApiKey(): GeneratedKey {
  const prefix = base32(randomBytes(12), 12);
  const secret = randomBytes(32).toString('base64url');
  const key = `wbk_live_${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The prefix of a well-formed key, or undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

/** Constant-time comparison of a presented key with a stored digest. */
export function apiKeyMatches(key: string, storedHash: Buffer): boolean {
  const digest = hashApiKey(key);
  return storedHash.length === digest.length && timingSafeEqual(digest, storedHash);
}
