import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
export const TENANT_HEADER = 'x-tenant-id';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time string comparison (hashing first equalizes lengths). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Guards an internal service API reached only through the gateway: requires the shared
 * `INTERNAL_TOKEN` and a tenant id header, which every handler then scopes its queries by.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const given = req.headers[INTERNAL_TOKEN_HEADER];
    if (typeof given !== 'string' || !safeEqual(given, this.token)) throw ApiError.unauthorized('internal token required');
    const tenant = req.headers[TENANT_HEADER];
    if (typeof tenant !== 'string' || tenant.length === 0 || tenant.length > 64) throw ApiError.unauthorized('tenant header required');
    return true;
  }
}

/** `@TenantId() tenantId: string` — the tenant resolved by the gateway (after InternalAuthGuard). */
export const TenantId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const tenant = req.headers[TENANT_HEADER];
  if (typeof tenant !== 'string') throw ApiError.unauthorized('tenant header required');
  return tenant;
});
