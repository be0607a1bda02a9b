import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Every scope a tenant API key can hold. `webhooks` manages webhook endpoints (ADR 0091);
 * keys issued before it existed reach it only through `admin` (every first key has it). The same
 * holds for `conversations` (the history with message bodies, agent replies, read receipts; ADR 0130).
 */
export const SCOPES = ['messages:send', 'messages:read', 'contacts', 'media', 'webhooks', 'conversations', 'campaigns', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Scopes a new API key or OAuth client gets when the request names none (least privilege,
 * ADR 0162): sending and reading messages. Anything else must be asked for.
 */
export const DEFAULT_SCOPES: readonly Scope[] = ['messages:send', 'messages:read'];

/**
 * Who is calling: an API key, or an OAuth2 client through one of its access tokens (ADR 0160).
 * Each kind has its own `CredentialVerifier`; everything downstream reads only this.
 */
export interface Principal {
  kind: 'api-key' | 'oauth-client';
  tenantId: string;
  /** The credential's id (API key id, OAuth client id): rate limits and audit key on it. */
  credentialId: string;
  scopes: readonly Scope[];
}

/**
 * `principal` once every check passed; `callerTenantId` as soon as the credential is known (a
 * call refused for its scope or rate limit is still the tenant's, for its request log).
 */
export type RequestWithPrincipal = FastifyRequest & { principal?: Principal; callerTenantId?: string };

export const REQUIRED_SCOPES = 'wabridge:required-scopes';
/** Scopes a route needs (all of them); `admin` satisfies any. */
export const RequireScopes = (...scopes: Scope[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPES, scopes);

/** `@CurrentPrincipal() p: Principal` in a controller behind `ApiAuthGuard`. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<RequestWithPrincipal>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route without ApiAuthGuard');
  return req.principal;
});
