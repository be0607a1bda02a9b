import { returnedRows } from '@wabridge/database';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { ApiError } from '@wabridge/http';
import { generateApiKey } from '../auth/api-key';
import { ApiKeyVerifier } from '../auth/api-key.verifier';
import { Scope, SCOPES } from '../auth/principal';
import { DATA_SOURCE } from '../tokens';

export interface IssuedApiKey {
  id: string;
  key: string;
  prefix: string;
  scopes: Scope[];
}

export interface ApiKeySummary {
  id: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

export interface TenantView {
  id: string;
  name: string;
  createdAt: string;
}

/** Tenants and their API keys. Keys are returned in full only by the call that creates them. */
@Injectable()
export class TenantsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly verifier: ApiKeyVerifier,
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

  async createKey(tenantId: string, scopes: Scope[] = [...SCOPES]): Promise<IssuedApiKey> {
    await this.requireTenant(tenantId);
    return this.insertKey(this.db.query.bind(this.db), tenantId, [...new Set(scopes)]);
  }

  async listKeys(tenantId: string): Promise<ApiKeySummary[]> {
    await this.requireTenant(tenantId);
    const rows: { id: string; prefix: string; scopes: Scope[]; created_at: Date; revoked_at: Date | null }[] = await this.db.query(
      'SELECT id, prefix, scopes, created_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id',
      [tenantId],
    );
    return rows.map((r) => ({ id: r.id, prefix: r.prefix, scopes: r.scopes, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null }));
  }

  async revokeKey(keyId: string): Promise<void> {
    const updated = returnedRows(await this.db.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING id',
      [keyId],
    ));
    if (updated.length === 0) throw ApiError.notFound('api key');
    this.verifier.forget(keyId);
  }

  private async insertKey(query: (sql: string, params: unknown[]) => Promise<unknown>, tenantId: string, scopes: Scope[]): Promise<IssuedApiKey> {
    const id = ulid();
    const { key, prefix, hash } = generateApiKey();
    await query('INSERT INTO api_keys (id, tenant_id, prefix, key_hash, scopes) VALUES ($1, $2, $3, $4, $5)', [id, tenantId, prefix, hash, scopes]);
    return { id, key, prefix, scopes };
  }
}
