import { Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@wabridge/http';
import { WebhookIntakeService } from './webhook-intake.service';

/** Meta's webhook endpoint (DESIGN.md §5, §11): GET verifies the subscription, POST takes events. */
@Controller('webhooks/meta')
export class WebhookController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Get(':appId')
  @Header('content-type', 'text/plain; charset=utf-8')
  verify(@Param('appId') appId: string, @Query() query: Record<string, unknown>): string {
    return this.intake.verify(appId, query['hub.mode'], query['hub.verify_token'], query['hub.challenge']);
  }

  @Post(':appId')
  @HttpCode(200)
  async receive(@Param('appId') appId: string, @Req() req: FastifyRequest): Promise<{ received: true }> {
    const raw = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) throw ApiError.badRequest('empty body');
    await this.intake.accept(appId, raw, req.headers['x-hub-signature-256'], String(req.id));
    return { received: true };
  }
}
