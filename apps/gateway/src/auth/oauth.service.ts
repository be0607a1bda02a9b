import { Inject, Injectable } from '@nestjs/common';
import { ulid } from 'ulid';
import { ApiError } from '@wabridge/http';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CLOCK, GATEWAY_ENV } from '../tokens';
import { signJwt } from './jwt';
import { ClientRow, OAuthClientsRepository } from './oauth-clients.repository';
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
    private readonly clients: OAuthClientsRepository,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
    private readonly verifier: OAuthTokenVerifier,
  ) {}

  async createClient(principal: Principal, name: string, requested?: Scope[]): Promise<{ clientId: string; clientSecret: string; name: string; scopes: Scope[] }> {
    const scopes = grantableScopes(principal, requested);
    const clientId = generateClientId();
    const { secret, hash } = generateClientSecret();
    await this.clients.insert({ id: clientId, tenantId: principal.tenantId, name, scopes, secretHash: hash, createdAt: new Date(this.clock.now()) });
    return { clientId, clientSecret: secret, name, scopes };
  }

  async listClients(tenantId: string): Promise<OAuthClientView[]> {
    const rows = await this.clients.listByTenant(tenantId);
    return rows.map((r) => this.view(r));
  }

  async revokeClient(tenantId: string, clientId: string): Promise<void> {
    if (!(await this.clients.revoke(tenantId, clientId, new Date(this.clock.now())))) throw ApiError.notFound('oauth client');
    this.verifier.forget(clientId);
  }

  /** A new secret; the current one keeps working for `overlapSeconds` (0 = refused at once). */
  async rotateSecret(tenantId: string, clientId: string, overlapSeconds: number): Promise<{ clientId: string; clientSecret: string; previousSecretExpiresAt: string }> {
    const { secret, hash } = generateClientSecret();
    const until = new Date(this.clock.now() + overlapSeconds * 1000);
    if (!(await this.clients.rotateSecret(tenantId, clientId, hash, until))) throw ApiError.notFound('oauth client');
    return { clientId, clientSecret: secret, previousSecretExpiresAt: until.toISOString() };
  }

  /** `POST /oauth/token` with grant_type=client_credentials, after the controller found the credentials. */
  async issueToken(clientId: string, clientSecret: string, scope: string | undefined): Promise<TokenResponse> {
    const row = await this.clients.find(clientId);
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
