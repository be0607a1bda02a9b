import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { All, Controller, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { ForwardingService } from './forwarding.service';

/**
 * `/v1/contacts…`, `/v1/media…`, `/v1/analytics…`, `/v1/webhook-endpoints…`, `/v1/conversations…`, `/v1/campaigns…` belong to internal
 * services (DESIGN.md §11); the gateway authenticates, checks the scope and forwards. Analytics
 * is read-only data about messages, so it needs `messages:read`; webhook endpoints need
 * `webhooks` (ADR 0091).
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

  /** Documented route by route in analytics.openapi.ts, not as one catch-all. */
  @All(['analytics', 'analytics/*'])
  @RequireScopes('messages:read')
  @ApiExcludeEndpoint()
  analytics(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('analytics', p, req, reply);
  }

  /**
   * The conversation history (ADR 0130). `POST /v1/conversations/:id/messages` and `…/read` are
   * the gateway's own routes (ConversationMessagesController, ADR 0131): more specific, so the
   * router picks them before this catch-all. Documented route by route (conversations.openapi.ts).
   */
  @All(['conversations', 'conversations/*'])
  @RequireScopes('conversations')
  @ApiExcludeEndpoint()
  conversations(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('conversations', p, req, reply);
  }

  /** Campaigns (ADR 0151), owned by the campaigns service; documented route by route (campaigns.openapi.ts). */
  @All(['campaigns', 'campaigns/*'])
  @RequireScopes('campaigns')
  @ApiExcludeEndpoint()
  campaigns(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('campaigns', p, req, reply);
  }

  /** Automation rules, owned by the conversations service (ADR 0133); documented route by route (automations.openapi.ts). */
  @All(['automations', 'automations/*'])
  @RequireScopes('conversations')
  @ApiExcludeEndpoint()
  automations(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('automations', p, req, reply);
  }

  /** Documented route by route in openapi.ts (`WEBHOOK_ENDPOINT_PATHS`), not as one catch-all. */
  @All(['webhook-endpoints', 'webhook-endpoints/*'])
  @RequireScopes('webhooks')
  @ApiExcludeEndpoint()
  webhookEndpoints(@CurrentPrincipal() p: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forward('webhook-endpoints', p, req, reply);
  }
}
