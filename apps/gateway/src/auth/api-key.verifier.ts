import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';
import { apiKeyMatches, apiKeyPrefix, hashApiKey } from './api-key';
import { CredentialVerifier } from './credential-verifier';
import { Principal, Scope } from './principal';

interface CacheEntry {
  principal: Principal;
  expiresAt: number;
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

  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  accepts(token: string): boolean {
    return token.startsWith('wbk_');
  }

  async verify(token: string): Promise<Principal | null> {
    const prefix = apiKeyPrefix(token);
    if (!prefix) return null;
    const digest = hashApiKey(token).toString('hex');
    const cached = this.cache.get(digest);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    const rows: { id: string; tenant_id: string; key_hash: Buffer; scopes: Scope[] }[] = await this.db.query(
      'SELECT id, tenant_id, key_hash, scopes FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL',
      [prefix],
    );
    const row = rows[0];
    if (!row || !apiKeyMatches(token, row.key_hash)) return null;
    const principal: Principal = { kind: 'api-key', tenantId: row.tenant_id, credentialId: row.id, scopes: row.scopes };
    if (this.cache.size > 10000) this.cache.clear();
    this.cache.set(digest, { principal, expiresAt: Date.now() + CACHE_TTL_MS });
    return principal;
  }

  forget(keyId: string): void {
    for (const [digest, entry] of this.cache) if (entry.principal.credentialId === keyId) this.cache.delete(digest);
  }
}
