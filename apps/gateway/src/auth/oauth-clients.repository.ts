import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '@wabridge/database';
import { DATA_SOURCE } from '../tokens';
import { Scope } from './principal';

export interface ClientRow {
  id: string;
  tenant_id: string;
  name: string;
  scopes: Scope[];
  secret_hash: Buffer;
  previous_secret_hash: Buffer | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  revoked_at: Date | null;
}

export interface NewClientRow {
  id: string;
  tenantId: string;
  name: string;
  scopes: Scope[];
  secretHash: Buffer;
  createdAt: Date;
}

/** SQL of OAuth2 clients (ADR 0160-0161, 0188); every tenant-owned query takes the tenant first. */
@Injectable()
export class OAuthClientsRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  async insert(c: NewClientRow): Promise<void> {
    await this.db.query('INSERT INTO oauth_clients (id, tenant_id, name, scopes, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      c.id, c.tenantId, c.name, c.scopes, c.secretHash, c.createdAt,
    ]);
  }

  listByTenant(tenantId: string): Promise<ClientRow[]> {
    return this.db.query('SELECT * FROM oauth_clients WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId]);
  }

  /** The client with its secret hashes (token endpoint), any tenant's: the client id is the credential. */
  async find(clientId: string): Promise<ClientRow | null> {
    const rows: ClientRow[] = await this.db.query('SELECT * FROM oauth_clients WHERE id = $1', [clientId]);
    return rows[0] ?? null;
  }

  /** What a bearer token of the client may do now (its tenant, scopes, revocation). */
  async findGrant(clientId: string): Promise<{ tenant_id: string; scopes: Scope[]; revoked_at: Date | null } | null> {
    const rows: { tenant_id: string; scopes: Scope[]; revoked_at: Date | null }[] = await this.db.query(
      'SELECT tenant_id, scopes, revoked_at FROM oauth_clients WHERE id = $1', [clientId]);
    return rows[0] ?? null;
  }

  /** Revokes the tenant's client (a second revocation keeps the first time); false when it has no such client. */
  async revoke(tenantId: string, clientId: string, at: Date): Promise<boolean> {
    const rows = returnedRows(await this.db.query(
      'UPDATE oauth_clients SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND tenant_id = $2 RETURNING id',
      [clientId, tenantId, at],
    ));
    return rows.length > 0;
  }

  /** Makes `secretHash` current and keeps the old one until `previousUntil`; false when the tenant has no such live client. */
  async rotateSecret(tenantId: string, clientId: string, secretHash: Buffer, previousUntil: Date): Promise<boolean> {
    const rows = returnedRows(await this.db.query(
      `UPDATE oauth_clients SET previous_secret_hash = secret_hash, previous_secret_expires_at = $3, secret_hash = $4
        WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id`,
      [clientId, tenantId, previousUntil, secretHash],
    ));
    return rows.length > 0;
  }
}
