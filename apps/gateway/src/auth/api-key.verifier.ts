import { hash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@wabridge/http';
import { ReadThroughCache } from '@wabridge/time';
import { CLOCK, DATA_SOURCE } from '../tokens';
import { apiKeyMatches, apiKeyPrefix } from './api-key';
import { CredentialVerifier } from './credential-verifier';
import { Principal, Scope } from './principal';
import { Clock } from './rate-limiter';

interface CacheEntry {
  principal: Principal;
  /** When the key itself expires (ADR 0162), or null. */
  keyExpiresAt: number | null;
}

const CACHE_TTL_MS = 5000;

/**
 * Verifies `wbk_live_…` API keys: lookup by visible prefix, constant-time digest comparison.
 * Verified keys are cached for a few seconds (keyed by digest, never by the key) so a busy
 * client does not cost a query per request; revocation through this instance drops the entry
 * at once, other instances see it within the TTL. Requests missing the same key at once share
 * one query, and a key in use is read again shortly before its entry expires (ADR 0218).
 */
@Injectable()
export class ApiKeyVerifier implements CredentialVerifier {
  private readonly cache: ReadThroughCache<string, CacheEntry | null>;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    // "not a key" is not kept: an unknown token is looked up again next time, as before
    this.cache = new ReadThroughCache({ ttlMs: CACHE_TTL_MS, now: () => this.clock.now(), keep: (e) => e !== null });
  }

  accepts(token: string): boolean {
    return token.startsWith('wbk_');
  }

  async verify(token: string): Promise<Principal | null> {
    const prefix = apiKeyPrefix(token);
    if (!prefix) return null;
    // One-shot SHA-256 (no Hash object per request; ADR 0193): the cache key, never the token.
    const digest = hash('sha256', token, 'hex');
    const entry = await this.cache.get(digest, () => this.read(token, prefix));
    return entry && this.unexpired(entry, this.clock.now());
  }

  private async read(token: string, prefix: string): Promise<CacheEntry | null> {
    const rows: { id: string; tenant_id: string; key_hash: Buffer; scopes: Scope[]; expires_at: Date | null }[] = await this.db.query(
      'SELECT id, tenant_id, key_hash, scopes, expires_at FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL',
      [prefix],
    );
    const row = rows[0];
    if (!row || !apiKeyMatches(token, row.key_hash)) return null;
    return { principal: { kind: 'api-key', tenantId: row.tenant_id, credentialId: row.id, scopes: row.scopes }, keyExpiresAt: row.expires_at?.getTime() ?? null };
  }

  private unexpired(entry: CacheEntry, now: number): Principal {
    if (entry.keyExpiresAt !== null && entry.keyExpiresAt <= now) {
      throw new ApiError(401, 'credential_expired', `this API key expired at ${new Date(entry.keyExpiresAt).toISOString()}`);
    }
    return entry.principal;
  }

  forget(keyId: string): void {
    this.cache.invalidateWhere((entry) => entry?.principal.credentialId === keyId);
  }
}
