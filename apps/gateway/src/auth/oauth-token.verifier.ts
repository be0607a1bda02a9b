import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
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
  readAt: number;
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
  private readonly clients = new Map<string, ClientState>();

  constructor(
    private readonly repo: OAuthClientsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
  ) {}

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
    this.clients.delete(clientId);
  }

  private async client(id: string): Promise<ClientState | undefined> {
    const now = this.clock.now();
    const cached = this.clients.get(id);
    if (cached && now - cached.readAt < CLIENT_STATE_TTL_MS && now >= cached.readAt) return cached;
    const row = await this.repo.findGrant(id);
    if (!row) return undefined;
    const state = { tenantId: row.tenant_id, scopes: row.scopes, revoked: row.revoked_at !== null, readAt: now };
    if (this.clients.size > 10000) this.clients.clear();
    this.clients.set(id, state);
    return state;
  }
}
