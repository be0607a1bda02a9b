import { createHash, createHmac } from 'node:crypto';
import { DispatcherEnv } from '../dispatcher.env';
import { SuppressionHasher } from './suppression-hasher';

const DERIVATION = 'wabridge/erasure-suppression/v1';

/**
 * The suppression keys (ADR 0075): SUPPRESSION_KEYS when set; else one key derived from each
 * ENCRYPTION_KEYS key (HMAC of a fixed label, so the encryption key itself is never the hash
 * key); else, outside production, a well-known development key.
 */
export function suppressionHasherFor(env: Pick<DispatcherEnv, 'SUPPRESSION_KEYS' | 'ENCRYPTION_KEYS' | 'NODE_ENV'>): SuppressionHasher {
  if (env.SUPPRESSION_KEYS.trim()) return SuppressionHasher.fromSpec(env.SUPPRESSION_KEYS);
  const encryption = env.ENCRYPTION_KEYS.split(',').map((s) => s.trim()).filter(Boolean);
  if (encryption.length > 0) {
    return new SuppressionHasher(encryption.map((spec) => {
      const raw = Buffer.from(spec.slice(spec.indexOf(':') + 1), 'base64');
      return createHmac('sha256', raw).update(DERIVATION).digest();
    }));
  }
  if (env.NODE_ENV === 'production') throw new Error('SUPPRESSION_KEYS (or ENCRYPTION_KEYS) is required in production');
  return new SuppressionHasher([createHash('sha256').update('wabridge-dev-suppression-key').digest()]);
}
