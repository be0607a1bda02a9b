import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
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

  @Post(':id/:action')
  @HttpCode(200)
  act(@TenantId() tenantId: string, @Param('id') id: string, @Param('action') action: string) {
    if (!(ACTIONS as readonly string[]).includes(action)) throw ApiError.notFound('route');
    return this.campaigns.act(tenantId, id, action as CampaignAction);
  }
}
