import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, safeEqual } from '@wabridge/http';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GATEWAY_ENV } from '../tokens';
import { bearerToken } from './api-auth.guard';

/** Operator API: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw ApiError.unauthorized('missing admin token');
    if (!safeEqual(token, this.env.ADMIN_TOKEN)) throw ApiError.unauthorized('invalid admin token');
    return true;
  }
}
