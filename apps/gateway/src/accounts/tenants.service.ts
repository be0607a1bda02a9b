import { returnedRows } from '@wabridge/database';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { ApiError } from '@wabridge/http';
import { generateApiKey } from '../auth/api-key';
import { ApiKeyVerifier } from '../auth/api-key.verifier';
import { DEFAULT_SCOPES, Principal, Scope, SCOPES } from '../auth/principal';
import { grantableScopes } from '../auth/oauth.service';
import { Clock } from '../auth/rate-limiter';
import { CLOCK, DATA_SOURCE } from '../tokens';

export interface IssuedApiKey {
  id: string;
  key: string;
  prefix: string;
  scopes: Scope[];
  name?: string | null;
  expiresAt?: string | null;
}

export interface ApiKeySummary {
  id: string;
  prefix: string;
  name: string | null;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface NewKeyOptions {
  name?: string;
  expiresAt?: Date;
}

interface KeyRow {
  id: string;
  prefix: string;
  name: string | null;
  scopes: Scope[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface TenantView {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * Tenants and their API keys. Keys are returned in full only by the call that creates them.
 * A tenant's first key holds every scope (it bootstraps the tenant); every later key gets
 * DEFAULT_SCOPES unless it asks (ADR 0162), and a tenant's own key can grant only its scopes.
 */
@Injectable()
export class TenantsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly verifier: ApiKeyVerifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async createTenant(name: string): Promise<TenantView & { apiKey: IssuedApiKey }> {
    const id = ulid();
    return this.db.transaction(async (m) => {
      const [row] = await m.query('INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING created_at', [id, name]);
      const apiKey = await this.insertKey(m.query.bind(m), id, [...SCOPES]);
      return { id, name, createdAt: new Date(row.created_at).toISOString(), apiKey };
    });
  }

  async listTenants(): Promise<TenantView[]> {
    const rows: { id: string; name: string; created_at: Date }[] = await this.db.query('SELECT id, name, created_at FROM tenants ORDER BY id');
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString() }));
  }

  async requireTenant(tenantId: string): Promise<void> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
    if (rows.length === 0) throw ApiError.notFound('tenant');
  }

  /** Operator route: any scopes; none named → DEFAULT_SCOPES (least privilege). */
  async createKey(tenantId: string, scopes: Scope[] = [...DEFAULT_SCOPES], options: NewKeyOptions = {}): Promise<IssuedApiKey> {
    await this.requireTenant(tenantId);
    this.checkExpiry(options.expiresAt);
    return this.insertKey(this.db.query.bind(this.db), tenantId, [...new Set(scopes)], options);
  }

  /** Self-service (`POST /v1/api-keys`): scopes ⊆ the caller's. */
  async createOwnKey(principal: Principal, scopes: Scope[] | undefined, options: NewKeyOptions = {}): Promise<IssuedApiKey> {
    const granted = grantableScopes(principal, scopes);
    this.checkExpiry(options.expiresAt);
    const issued = await this.insertKey(this.db.query.bind(this.db), principal.tenantId, granted, options);
    return { ...issued, name: options.name ?? null, expiresAt: options.expiresAt?.toISOString() ?? null };
  }

  async listKeys(tenantId: string): Promise<ApiKeySummary[]> {
    await this.requireTenant(tenantId);
    const rows: KeyRow[] = await this.db.query(
      'SELECT id, prefix, name, scopes, created_at, expires_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id',
      [tenantId],
    );
    return rows.map(keySummary);
  }

  /** Self-service revocation: only the tenant's own keys (another tenant's id answers 404). */
  async revokeOwnKey(tenantId: string, keyId: string): Promise<void> {
    const updated = returnedRows(await this.db.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING id',
      [keyId, tenantId],
    ));
    if (updated.length === 0) throw ApiError.notFound('api key');
    this.verifier.forget(keyId);
  }

  /**
   * Rotation: a new key with the same name, scopes and expiry; the old one keeps working for
   * `overlapSeconds` more (its expires_at becomes the earlier of its own and now + overlap).
   */
  async rotateOwnKey(tenantId: string, keyId: string, overlapSeconds: number): Promise<IssuedApiKey & { previousKeyExpiresAt: string }> {
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const until = new Date(now + overlapSeconds * 1000);
      const rows: KeyRow[] = returnedRows(await m.query(
        `UPDATE api_keys SET expires_at = LEAST(COALESCE(expires_at, $3), $3)
          WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $4)
          RETURNING id, prefix, name, scopes, created_at, expires_at, revoked_at`,
        [keyId, tenantId, until, new Date(now)],
      ));
      const old = rows[0];
      if (!old) throw ApiError.notFound('api key');
      this.verifier.forget(keyId);
      const issued = await this.insertKey(m.query.bind(m), tenantId, old.scopes, { name: old.name ?? undefined });
      return { ...issued, name: old.name, expiresAt: null, previousKeyExpiresAt: (old.expires_at ?? until).toISOString() };
    });
  }

  private checkExpiry(expiresAt: Date | undefined): void {
    if (expiresAt && expiresAt.getTime() <= this.clock.now()) {
      throw ApiError.badRequest('expiresAt must be in the future', [{ field: 'expiresAt', problems: ['in the past'] }]);
    }
  }

  async revokeKey(keyId: string): Promise<void> {
    const updated = returnedRows(await this.db.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING id',
      [keyId],
    ));
    if (updated.length === 0) throw ApiError.notFound('api key');
    this.verifier.forget(keyId);
  }

  private async insertKey(query: (sql: string, params: unknown[]) => Promise<unknown>, tenantId: string, scopes: Scope[], options: NewKeyOptions = {}): Promise<IssuedApiKey> {
    const id = ulid();
    const { key, prefix, hash } = generateApiKey();
    await query('INSERT INTO api_keys (id, tenant_id, prefix, key_hash, scopes, name, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      id, tenantId, prefix, hash, scopes, options.name ?? null, options.expiresAt ?? null,
    ]);
    return { id, key, prefix, scopes };
  }
}

function keySummary(r: KeyRow): ApiKeySummary {
  return {
    id: r.id, prefix: r.prefix, name: r.name, scopes: r.scopes, createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}
