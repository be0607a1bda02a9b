import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Queryable, returnedRows } from '@wabridge/database';
import { Scope } from '../auth/principal';
import { DATA_SOURCE } from '../tokens';

export interface TenantRow {
  id: string;
  name: string;
  created_at: Date;
}

/** An API key as listed: never its hash. */
export interface KeyRow {
  id: string;
  prefix: string;
  name: string | null;
  scopes: Scope[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface NewKeyRow {
  id: string;
  tenantId: string;
  prefix: string;
  hash: Buffer;
  scopes: Scope[];
  name: string | null;
  expiresAt: Date | null;
}

/**
 * SQL of tenants and their API keys (ADR 0188). The API-key check on every request reads
 * `api_keys` itself (auth/api-key.verifier.ts, hot path with its own cache).
 */
@Injectable()
export class TenantsRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insertTenant(m: Queryable, id: string, name: string): Promise<Date> {
    const [row] = await m.query<{ created_at: Date }[]>('INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING created_at', [id, name]);
    return row!.created_at;
  }

  listTenants(): Promise<TenantRow[]> {
    return this.db.query('SELECT id, name, created_at FROM tenants ORDER BY id');
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
    return rows.length > 0;
  }

  /** Stores a new key's hash; `q` is the transaction's handle when it runs inside one. */
  async insertKey(k: NewKeyRow, q: Queryable = this.db): Promise<void> {
    await q.query('INSERT INTO api_keys (id, tenant_id, prefix, key_hash, scopes, name, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      k.id, k.tenantId, k.prefix, k.hash, k.scopes, k.name, k.expiresAt,
    ]);
  }

  listKeys(tenantId: string): Promise<KeyRow[]> {
    return this.db.query('SELECT id, prefix, name, scopes, created_at, expires_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id', [tenantId]);
  }

  /** Revokes the tenant's key (a second revocation keeps the first time); false when the tenant has no such key. */
  async revokeTenantKey(tenantId: string, keyId: string): Promise<boolean> {
    const updated = returnedRows(await this.db.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING id',
      [keyId, tenantId],
    ));
    return updated.length > 0;
  }

  /** Revokes any tenant's key (operator route); false when there is no such key. */
  async revokeKey(keyId: string): Promise<boolean> {
    const updated = returnedRows(await this.db.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING id',
      [keyId],
    ));
    return updated.length > 0;
  }

  /**
   * Shortens a live key's life to `until` at the latest (rotation overlap); the key with its new
   * expiry, or null when the tenant has no such key live at `now`.
   */
  async expireForRotation(m: Queryable, tenantId: string, keyId: string, until: Date, now: Date): Promise<KeyRow | null> {
    const rows = returnedRows<KeyRow>(await m.query(
      `UPDATE api_keys SET expires_at = LEAST(COALESCE(expires_at, $3), $3)
        WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $4)
        RETURNING id, prefix, name, scopes, created_at, expires_at, revoked_at`,
      [keyId, tenantId, until, now],
    ));
    return rows[0] ?? null;
  }
}
