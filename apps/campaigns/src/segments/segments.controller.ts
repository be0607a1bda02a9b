import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ulid } from 'ulid';
import { ApiError, TenantId } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { CLOCK } from '../campaigns.tokens';
import { CampaignsAuthGuard } from '../common/campaigns-auth.guard';
import { NumbersRepository } from '../numbers/numbers.repository';
import { CreateSegmentBody } from './segments.dto';
import { SegmentRow, SegmentsRepository } from './segments.repository';

export function segmentView(s: SegmentRow) {
  return { id: s.id, name: s.name, phoneNumberId: s.phone_number_id, filter: s.filter, createdAt: s.created_at.toISOString() };
}

/**
 * Segments: saved filters over a number's contacts (`/v1/campaigns/segments`, static paths the
 * router prefers over `/v1/campaigns/:id`). A campaign names one as `audience.segmentId`; its
 * filter is copied into the campaign, so changing or deleting the segment later changes no
 * campaign already created.
 */
@Controller('v1/campaigns/segments')
@UseGuards(CampaignsAuthGuard)
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsRepository,
    private readonly numbers: NumbersRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  async create(@TenantId() tenantId: string, @Body() body: CreateSegmentBody) {
    const number = await this.numbers.get(body.phoneNumberId);
    if (!number || number.tenant_id !== tenantId) throw ApiError.notFound('phone number');
    const f = body.filter;
    const filter = {
      ...(f.tags ? { tags: f.tags } : {}), ...(f.attribute ? { attribute: { key: f.attribute.key, value: f.attribute.value } } : {}),
      ...(f.optedIn !== undefined ? { optedIn: f.optedIn } : {}), ...(f.windowOpen !== undefined ? { windowOpen: f.windowOpen } : {}),
      ...(f.lastInboundSince ? { lastInboundSince: new Date(f.lastInboundSince).toISOString() } : {}),
    };
    const now = this.clock.now();
    return segmentView(await this.segments.insert({ id: ulid(now), tenantId, name: body.name, phoneNumberId: body.phoneNumberId, filter, now: new Date(now) }));
  }

  @Get()
  async list(@TenantId() tenantId: string) {
    return { data: (await this.segments.list(tenantId)).map(segmentView) };
  }

  @Get(':id')
  async get(@TenantId() tenantId: string, @Param('id') id: string) {
    const s = await this.segments.get(tenantId, id);
    if (!s) throw ApiError.notFound('segment');
    return segmentView(s);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    if (!(await this.segments.delete(tenantId, id))) throw ApiError.notFound('segment');
  }
}
