import { Inject, Injectable } from '@nestjs/common';
import { Queryable } from '@wabridge/database';
import { ulid } from 'ulid';
import { ApiError } from '@wabridge/http';
import { generateApiKey } from '../auth/api-key';
import { ApiKeyVerifier } from '../auth/api-key.verifier';
import { DEFAULT_SCOPES, Principal, Scope, SCOPES } from '../auth/principal';
import { grantableScopes } from '../auth/oauth.service';
import { Clock } from '../auth/rate-limiter';
import { CLOCK } from '../tokens';
import { KeyRow, TenantsRepository } from './tenants.repository';

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
    private readonly repo: TenantsRepository,
    private readonly verifier: ApiKeyVerifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async createTenant(name: string): Promise<TenantView & { apiKey: IssuedApiKey }> {
    const id = ulid();
    return this.repo.transaction(async (m) => {
      const createdAt = await this.repo.insertTenant(m, id, name);
      const apiKey = await this.insertKey(m, id, [...SCOPES]);
      return { id, name, createdAt: new Date(createdAt).toISOString(), apiKey };
    });
  }

  async listTenants(): Promise<TenantView[]> {
    const rows = await this.repo.listTenants();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString() }));
  }

  async requireTenant(tenantId: string): Promise<void> {
    if (!(await this.repo.tenantExists(tenantId))) throw ApiError.notFound('tenant');
  }

  /** Operator route: any scopes; none named → DEFAULT_SCOPES (least privilege). */
  async createKey(tenantId: string, scopes: Scope[] = [...DEFAULT_SCOPES], options: NewKeyOptions = {}): Promise<IssuedApiKey> {
    await this.requireTenant(tenantId);
    this.checkExpiry(options.expiresAt);
    return this.insertKey(undefined, tenantId, [...new Set(scopes)], options);
  }

  /** Self-service (`POST /v1/api-keys`): scopes ⊆ the caller's. */
  async createOwnKey(principal: Principal, scopes: Scope[] | undefined, options: NewKeyOptions = {}): Promise<IssuedApiKey> {
    const granted = grantableScopes(principal, scopes);
    this.checkExpiry(options.expiresAt);
    const issued = await this.insertKey(undefined, principal.tenantId, granted, options);
    return { ...issued, name: options.name ?? null, expiresAt: options.expiresAt?.toISOString() ?? null };
  }

  async listKeys(tenantId: string): Promise<ApiKeySummary[]> {
    await this.requireTenant(tenantId);
    const rows = await this.repo.listKeys(tenantId);
    return rows.map(keySummary);
  }

  /** Self-service revocation: only the tenant's own keys (another tenant's id answers 404). */
  async revokeOwnKey(tenantId: string, keyId: string): Promise<void> {
    if (!(await this.repo.revokeTenantKey(tenantId, keyId))) throw ApiError.notFound('api key');
    this.verifier.forget(keyId);
  }

  /**
   * Rotation: a new key with the same name, scopes and expiry; the old one keeps working for
   * `overlapSeconds` more (its expires_at becomes the earlier of its own and now + overlap).
   */
  async rotateOwnKey(tenantId: string, keyId: string, overlapSeconds: number): Promise<IssuedApiKey & { previousKeyExpiresAt: string }> {
    const now = this.clock.now();
    return this.repo.transaction(async (m) => {
      const until = new Date(now + overlapSeconds * 1000);
      const old = await this.repo.expireForRotation(m, tenantId, keyId, until, new Date(now));
      if (!old) throw ApiError.notFound('api key');
      this.verifier.forget(keyId);
      const issued = await this.insertKey(m, tenantId, old.scopes, { name: old.name ?? undefined });
      return { ...issued, name: old.name, expiresAt: null, previousKeyExpiresAt: (old.expires_at ?? until).toISOString() };
    });
  }

  private checkExpiry(expiresAt: Date | undefined): void {
    if (expiresAt && expiresAt.getTime() <= this.clock.now()) {
      throw ApiError.badRequest('expiresAt must be in the future', [{ field: 'expiresAt', problems: ['in the past'] }]);
    }
  }

  async revokeKey(keyId: string): Promise<void> {
    if (!(await this.repo.revokeKey(keyId))) throw ApiError.notFound('api key');
    this.verifier.forget(keyId);
  }

  /** `m`: the transaction's handle, or undefined outside one. */
  private async insertKey(m: Queryable | undefined, tenantId: string, scopes: Scope[], options: NewKeyOptions = {}): Promise<IssuedApiKey> {
    const id = ulid();
    const { key, prefix, hash } = generateApiKey();
    await this.repo.insertKey({ id, tenantId, prefix, hash, scopes, name: options.name ?? null, expiresAt: options.expiresAt ?? null }, m);
    return { id, key, prefix, scopes };
  }
}

function keySummary(r: KeyRow): ApiKeySummary {
  return {
    id: r.id, prefix: r.prefix, name: r.name, scopes: r.scopes, createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}
