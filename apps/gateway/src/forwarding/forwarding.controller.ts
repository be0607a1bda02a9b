import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { All, Controller, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { ForwardingService } from './forwarding.service';

/**
 * `/v1/contacts…`, `/v1/media…`, `/v1/analytics…` belong to internal services (DESIGN.md §11);
 * the gateway authenticates, checks the scope and forwards. Analytics is read-only data about
 * messages, so it needs `messages:read`.
 */
@Controller('v1')
@UseGuards(ApiAuthGuard)
@ApiTags('forwarded (contacts, media, analytics)')
@ApiBearerAuth('apiKey')
export class ForwardingController {
  constructor(private readonly forwarding: ForwardingService) {}

  @All(['contacts', 'contacts/*'])
  @RequireScopes('contacts')
  contacts(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('contacts', p, req, reply);
  }

  @All(['media', 'media/*'])
  @RequireScopes('media')
  media(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('media', p, req, reply);
  }

  @All(['analytics', 'analytics/*'])
  @RequireScopes('messages:read')
  analytics(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('analytics', p, req, reply);
  }
}
