import { hash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@wabridge/http';
import { CLOCK, DATA_SOURCE } from '../tokens';
import { apiKeyMatches, apiKeyPrefix } from './api-key';
import { CredentialVerifier } from './credential-verifier';
import { Principal, Scope } from './principal';
import { Clock } from './rate-limiter';

interface CacheEntry {
  principal: Principal;
  /** When this cache entry must be re-read. */
  expiresAt: number;
  /** When the key itself expires (ADR 0162), or null. */
  keyExpiresAt: number | null;
}

const CACHE_TTL_MS = 5000;

/**
 * Verifies `wbk_live_…` API keys: lookup by visible prefix, constant-time digest comparison.
 * Verified keys are cached for a few seconds (keyed by digest, never by the key) so a busy
 * client does not cost a query per request; revocation through this instance drops the entry
 * at once, other instances see it within the TTL.
 */
@Injectable()
export class ApiKeyVerifier implements CredentialVerifier {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  accepts(token: string): boolean {
    return token.startsWith('wbk_');
  }

  async verify(token: string): Promise<Principal | null> {
    const prefix = apiKeyPrefix(token);
    if (!prefix) return null;
    // One-shot SHA-256 (no Hash object per request; ADR 0193): the cache key, never the token.
    const digest = hash('sha256', token, 'hex');
    const now = this.clock.now();
    const cached = this.cache.get(digest);
    if (cached && cached.expiresAt > now && now >= cached.expiresAt - CACHE_TTL_MS) return this.unexpired(cached, now);
    const rows: { id: string; tenant_id: string; key_hash: Buffer; scopes: Scope[]; expires_at: Date | null }[] = await this.db.query(
      'SELECT id, tenant_id, key_hash, scopes, expires_at FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL',
      [prefix],
    );
    const row = rows[0];
    if (!row || !apiKeyMatches(token, row.key_hash)) return null;
    const principal: Principal = { kind: 'api-key', tenantId: row.tenant_id, credentialId: row.id, scopes: row.scopes };
    if (this.cache.size > 10000) this.cache.clear();
    const entry = { principal, expiresAt: now + CACHE_TTL_MS, keyExpiresAt: row.expires_at?.getTime() ?? null };
    this.cache.set(digest, entry);
    return this.unexpired(entry, now);
  }

  private unexpired(entry: CacheEntry, now: number): Principal {
    if (entry.keyExpiresAt !== null && entry.keyExpiresAt <= now) {
      throw new ApiError(401, 'credential_expired', `this API key expired at ${new Date(entry.keyExpiresAt).toISOString()}`);
    }
    return entry.principal;
  }

  forget(keyId: string): void {
    for (const [digest, entry] of this.cache) if (entry.principal.credentialId === keyId) this.cache.delete(digest);
  }
}
