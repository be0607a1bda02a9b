import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
import { ReadThroughCache } from '@wabridge/time';
import { CLOCK } from '../tokens';
import { OAuthClientsRepository } from './oauth-clients.repository';
import { CredentialVerifier } from './credential-verifier';
import { decodeJwt, signatureValid } from './jwt';
import { Principal, Scope } from './principal';
import { Clock } from './rate-limiter';
import { SigningKeysService } from './signing-keys.service';

interface ClientState {
  tenantId: string;
  scopes: Scope[];
  revoked: boolean;
}

/** How long a client's revocation state is trusted: the bound on "revoked → refused" across instances. */
export const CLIENT_STATE_TTL_MS = 5000;

/**
 * Verifies OAuth access tokens (ADR 0160): EdDSA signature by a known, unexpired `kid`, `exp`
 * against the injected clock (401 `token_expired`), then the client's current state — a revoked
 * client's tokens are refused at once on this instance, within 5 s elsewhere, and the scopes
 * are the token's ∩ the client's current scopes (narrowing a client narrows its live tokens).
 */
@Injectable()
export class OAuthTokenVerifier implements CredentialVerifier {
  /** One read per client at a time, refreshed ahead of expiry while in use (ADR 0218). */
  private readonly clients: ReadThroughCache<string, ClientState | undefined>;

  constructor(
    private readonly repo: OAuthClientsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
  ) {
    this.clients = new ReadThroughCache({ ttlMs: CLIENT_STATE_TTL_MS, now: () => this.clock.now(), keep: (c) => c !== undefined });
  }

  accepts(token: string): boolean {
    return token.startsWith('eyJ');
  }

  async verify(token: string): Promise<Principal | null> {
    const decoded = decodeJwt(token);
    if (!decoded) return null;
    const key = await this.keys.verificationKey(decoded.kid);
    if (!key || !signatureValid(decoded, key)) return null;
    const { claims } = decoded;
    if (claims.exp * 1000 <= this.clock.now()) throw new ApiError(401, 'token_expired', 'the access token expired; request a new one at POST /oauth/token');
    const client = await this.client(claims.sub);
    if (!client || client.revoked || client.tenantId !== claims.tid) return null;
    const scopes = claims.scope.split(' ').filter((s): s is Scope => client.scopes.includes(s as Scope));
    return { kind: 'oauth-client', tenantId: client.tenantId, credentialId: claims.sub, scopes };
  }

  forget(clientId: string): void {
    this.clients.invalidate(clientId);
  }

  private client(id: string): Promise<ClientState | undefined> {
    return this.clients.get(id, async () => {
      const row = await this.repo.findGrant(id);
      return row ? { tenantId: row.tenant_id, scopes: row.scopes, revoked: row.revoked_at !== null } : undefined;
    });
  }
}
