import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForwardingService } from './forwarding.service';

/**
 * The analytics dashboard page (DESIGN §12: `/dashboard`, served by the analytics service).
 * Public: the page and its script hold no data; what it shows comes from `/v1/analytics/*`
 * with the user's API key (ADR 0124).
 */
@Controller()
@ApiExcludeController()
export class DashboardPageController {
  constructor(private readonly forwarding: ForwardingService) {}

  @Get(['dashboard', 'dashboard/*'])
  page(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forwarding.forwardDashboardPage(req, reply);
  }
}
