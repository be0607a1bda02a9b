import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '@wabridge/http';
import { addSpanLogFields } from '@wabridge/telemetry';
import { CREDENTIAL_VERIFIERS, RATE_LIMITER } from '../tokens';
import { CredentialVerifier } from './credential-verifier';
import { Principal, REQUIRED_SCOPES, RequestWithPrincipal, Scope } from './principal';
import { RateLimiter } from './rate-limiter';

export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export function hasScopes(principal: Principal, required: readonly Scope[]): boolean {
  return principal.scopes.includes('admin') || required.every((s) => principal.scopes.includes(s));
}

/**
 * The one authentication guard of the tenant API: finds the verifier for the bearer token's
 * kind, resolves the principal (401 if none), applies the per-credential rate limit (429) and
 * the route's scopes (403).
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    @Inject(CREDENTIAL_VERIFIERS) private readonly verifiers: CredentialVerifier[],
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw ApiError.unauthorized('missing bearer credentials');
    const verifier = this.verifiers.find((v) => v.accepts(token));
    const principal = verifier ? await verifier.verify(token) : null;
    if (!principal) throw ApiError.unauthorized('invalid credentials');
    req.callerTenantId = principal.tenantId;
    addSpanLogFields({ tenant_id: principal.tenantId }); // the request's log lines name the tenant (ADR 0179)
    const wait = this.limiter.take(`${principal.kind}:${principal.credentialId}`);
    if (wait > 0) {
      throw new ApiError(429, 'rate_limited', `rate limit exceeded; retry in ${wait} s`, undefined, { 'retry-after': String(wait) });
    }
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    if (!hasScopes(principal, required)) throw ApiError.forbidden(`this credential lacks the scope ${required.join(', ')}`);
    req.principal = principal;
    return true;
  }
}
