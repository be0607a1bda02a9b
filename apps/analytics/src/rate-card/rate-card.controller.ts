import { Body, Controller, Get, Inject, Put, UseGuards } from '@nestjs/common';
import { ApiError, TenantId } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { CLOCK } from '../analytics.tokens';
import { AnalyticsAuthGuard } from '../common/analytics-auth.guard';
import { RateCard, RateCardBody } from './rate-card.dto';
import { RateCardRepository } from './rate-card.repository';

/** A tenant's prices (ADR 0122); costs are computed from it at query time, so a new card reprices history. */
@Controller('v1/analytics/rate-card')
@UseGuards(AnalyticsAuthGuard)
export class RateCardController {
  constructor(
    private readonly cards: RateCardRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async get(@TenantId() tenantId: string): Promise<RateCard> {
    const card = await this.cards.get(tenantId);
    if (!card) throw ApiError.notFound('rate card');
    return card;
  }

  @Put()
  async put(@TenantId() tenantId: string, @Body() body: RateCardBody): Promise<RateCard> {
    await this.cards.put(tenantId, body, new Date(this.clock.now()));
    return (await this.cards.get(tenantId))!;
  }
}
