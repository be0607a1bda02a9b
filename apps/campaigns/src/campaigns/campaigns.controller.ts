import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, TenantId } from '@wabridge/http';
import { CampaignsAuthGuard } from '../common/campaigns-auth.guard';
import { CampaignAction } from './campaign-state';
import { CreateCampaignBody, ListCampaignsQuery, ListRecipientsQuery } from './campaigns.dto';
import { CampaignsService } from './campaigns.service';

const ACTIONS: readonly CampaignAction[] = ['start', 'pause', 'resume', 'cancel'];

/** Campaigns behind the gateway's `/v1/campaigns*` forwarding (DESIGN.md §12, ADR 0151). */
@Controller('v1/campaigns')
@UseGuards(CampaignsAuthGuard)
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  create(@TenantId() tenantId: string, @Body() body: CreateCampaignBody) {
    return this.campaigns.create(tenantId, body);
  }

  @Get()
  list(@TenantId() tenantId: string, @Query() q: ListCampaignsQuery) {
    return this.campaigns.list(tenantId, q);
  }

  @Get(':id')
  get(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.campaigns.get(tenantId, id);
  }

  @Get(':id/recipients')
  recipients(@TenantId() tenantId: string, @Param('id') id: string, @Query() q: ListRecipientsQuery) {
    return this.campaigns.recipients(tenantId, id, q);
  }

  /** Per-recipient template parameters as CSV `waId,<name>,…` (`{{csv.<name>}}`; ADR 0156), while a draft. */
  @Put(':id/parameters')
  parameters(@TenantId() tenantId: string, @Param('id') id: string, @Req() req: FastifyRequest) {
    if (!/^text\/csv\b/i.test(req.headers['content-type'] ?? '')) {
      throw new ApiError(415, 'unsupported_media_type', 'send the parameters as text/csv: a header "waId,<name>,…" and one row per recipient');
    }
    if (!(req.body instanceof Readable)) throw ApiError.badRequest('empty body');
    return this.campaigns.uploadParameters(tenantId, id, req.body);
  }

  @Post(':id/:action')
  @HttpCode(200)
  act(@TenantId() tenantId: string, @Param('id') id: string, @Param('action') action: string) {
    if (!(ACTIONS as readonly string[]).includes(action)) throw ApiError.notFound('route');
    return this.campaigns.act(tenantId, id, action as CampaignAction);
  }
}
