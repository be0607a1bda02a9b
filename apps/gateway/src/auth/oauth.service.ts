import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { returnedRows } from '@wabridge/database';
import { ApiError } from '@wabridge/http';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CLOCK, DATA_SOURCE, GATEWAY_ENV } from '../tokens';
import { signJwt } from './jwt';
import { clientSecretMatches, generateClientId, generateClientSecret } from './oauth-client';
import { OAuthTokenVerifier } from './oauth-token.verifier';
import { DEFAULT_SCOPES, Principal, Scope, SCOPES } from './principal';
import { Clock } from './rate-limiter';
import { SigningKeysService } from './signing-keys.service';

/** An RFC 6749 §5.2 error: `{error, error_description}` with its HTTP status. */
export class OAuthError extends Error {
  constructor(readonly status: 400 | 401, readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope', readonly description: string) {
    super(description);
  }
}

export interface OAuthClientView {
  clientId: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
  previousSecretExpiresAt: string | null;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

interface ClientRow {
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

/** Longest overlap a rotated secret keeps working (7 days). */
export const MAX_OVERLAP_SECONDS = 7 * 86400;

/** The scopes a credential may be given by `principal`: a subset of its own (admin grants any). */
export function grantableScopes(principal: Principal, requested: readonly Scope[] | undefined): Scope[] {
  const scopes = [...new Set(requested ?? DEFAULT_SCOPES)];
  if (principal.scopes.includes('admin')) return scopes;
  const beyond = scopes.filter((s) => !principal.scopes.includes(s));
  if (beyond.length > 0) throw new ApiError(403, 'forbidden', `a credential cannot grant scopes it does not hold: ${beyond.join(', ')}`, { scopes: beyond });
  return scopes;
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4, ADR 0160-0161): tenants manage clients; a client
 * exchanges id + secret for a short-lived EdDSA-signed JWT whose scopes ⊆ the client's.
 */
@Injectable()
export class OAuthService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
    private readonly verifier: OAuthTokenVerifier,
  ) {}

  async createClient(principal: Principal, name: string, requested?: Scope[]): Promise<{ clientId: string; clientSecret: string; name: string; scopes: Scope[] }> {
    const scopes = grantableScopes(principal, requested);
    const clientId = generateClientId();
    const { secret, hash } = generateClientSecret();
    await this.db.query('INSERT INTO oauth_clients (id, tenant_id, name, scopes, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      clientId, principal.tenantId, name, scopes, hash, new Date(this.clock.now()),
    ]);
    return { clientId, clientSecret: secret, name, scopes };
  }

  async listClients(tenantId: string): Promise<OAuthClientView[]> {
    const rows: ClientRow[] = await this.db.query('SELECT * FROM oauth_clients WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId]);
    return rows.map((r) => this.view(r));
  }

  async revokeClient(tenantId: string, clientId: string): Promise<void> {
    const rows = returnedRows(await this.db.query(
      'UPDATE oauth_clients SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND tenant_id = $2 RETURNING id',
      [clientId, tenantId, new Date(this.clock.now())],
    ));
    if (rows.length === 0) throw ApiError.notFound('oauth client');
    this.verifier.forget(clientId);
  }

  /** A new secret; the current one keeps working for `overlapSeconds` (0 = refused at once). */
  async rotateSecret(tenantId: string, clientId: string, overlapSeconds: number): Promise<{ clientId: string; clientSecret: string; previousSecretExpiresAt: string }> {
    const { secret, hash } = generateClientSecret();
    const until = new Date(this.clock.now() + overlapSeconds * 1000);
    const rows = returnedRows(await this.db.query(
      `UPDATE oauth_clients SET previous_secret_hash = secret_hash, previous_secret_expires_at = $3, secret_hash = $4
        WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id`,
      [clientId, tenantId, until, hash],
    ));
    if (rows.length === 0) throw ApiError.notFound('oauth client');
    return { clientId, clientSecret: secret, previousSecretExpiresAt: until.toISOString() };
  }

  /** `POST /oauth/token` with grant_type=client_credentials, after the controller found the credentials. */
  async issueToken(clientId: string, clientSecret: string, scope: string | undefined): Promise<TokenResponse> {
    const rows: ClientRow[] = await this.db.query('SELECT * FROM oauth_clients WHERE id = $1', [clientId]);
    const row = rows[0];
    const now = this.clock.now();
    const current = clientSecretMatches(clientSecret, row?.secret_hash);
    const previous = !current && !!row?.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > now
      && clientSecretMatches(clientSecret, row.previous_secret_hash);
    if (!row || row.revoked_at || !(current || previous)) throw new OAuthError(401, 'invalid_client', 'client authentication failed');
    let scopes: Scope[] = row.scopes;
    if (scope !== undefined && scope.trim() !== '') {
      const asked = [...new Set(scope.trim().split(/\s+/))];
      const unknown = asked.filter((s) => !(SCOPES as readonly string[]).includes(s) || !row.scopes.includes(s as Scope));
      if (unknown.length > 0) throw new OAuthError(400, 'invalid_scope', `scope not allowed for this client: ${unknown.join(' ')}`);
      scopes = asked as Scope[];
    }
    const { kid, key } = await this.keys.signingKey();
    const iat = Math.floor(now / 1000);
    const ttl = this.env.OAUTH_TOKEN_TTL_SECONDS;
    const token = signJwt({ iss: this.env.OAUTH_ISSUER, sub: row.id, tid: row.tenant_id, scope: scopes.join(' '), iat, exp: iat + ttl, jti: ulid(now) }, kid, key);
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') };
  }

  private view(r: ClientRow): OAuthClientView {
    const prev = r.previous_secret_expires_at && r.previous_secret_expires_at.getTime() > this.clock.now() ? r.previous_secret_expires_at.toISOString() : null;
    return { clientId: r.id, name: r.name, scopes: r.scopes, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null, previousSecretExpiresAt: prev };
  }
}
