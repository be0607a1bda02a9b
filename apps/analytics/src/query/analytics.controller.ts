import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantId } from '@wabridge/http';
import { AnalyticsAuthGuard } from '../common/analytics-auth.guard';
import { NumbersRepository, NumberState } from '../numbers/numbers.repository';
import { CampaignCostQuery, IntervalQuery, RangeQuery, TimeseriesQuery, TopQuery } from './analytics-query.dto';
import { toCsv } from './csv';
import { LatencyPoint, QueryService, Summary } from './query.service';

/** `format=csv`, or an Accept header that prefers text/csv. */
function wantsCsv(q: RangeQuery, req: FastifyRequest): boolean {
  if (q.format) return q.format === 'csv';
  return /\btext\/csv\b/.test(req.headers.accept ?? '');
}

function sendCsv(reply: FastifyReply, name: string, columns: string[], rows: Record<string, unknown>[]): string {
  void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
  return toCsv(columns, rows);
}

/**
 * The tenant's analytics (DESIGN §12), behind the gateway's `/v1/analytics*` forwarding. Ranges:
 * `from`/`to` ISO 8601 (default the last 7 days), hour buckets starting in [from's hour, to).
 */
@Controller('v1/analytics')
@UseGuards(AnalyticsAuthGuard)
export class AnalyticsController {
  constructor(
    private readonly query: QueryService,
    private readonly numbers: NumbersRepository,
  ) {}

  @Get('summary')
  summary(@TenantId() tenantId: string, @Query() q: RangeQuery): Promise<Summary> {
    return this.query.summary(this.query.scope(tenantId, q));
  }

  @Get('timeseries')
  async timeseries(@TenantId() tenantId: string, @Query() q: TimeseriesQuery, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const series = await this.query.timeseries(this.query.scope(tenantId, q), q.metric, q.interval);
    if (!wantsCsv(q, req)) return series;
    return sendCsv(reply, `${q.metric}-${q.interval}`, ['at', 'value'], series.data);
  }

  /** Latency percentiles per hour or day (the dashboard's chart); the summary has them over the whole range. */
  @Get('latency')
  latency(@TenantId() tenantId: string, @Query() q: IntervalQuery): Promise<{ interval: 'hour' | 'day'; data: LatencyPoint[] }> {
    return this.query.latencySeries(this.query.scope(tenantId, q), q.interval);
  }

  /** The tenant's numbers: status and messaging tier (wa.number.changed.v1), Meta's last quality event (ADR 0124). */
  @Get('numbers')
  async listNumbers(@TenantId() tenantId: string): Promise<{ data: NumberState[] }> {
    return { data: await this.numbers.listForTenant(tenantId) };
  }

  @Get('errors')
  async errors(@TenantId() tenantId: string, @Query() q: TopQuery, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const data = await this.query.errors(this.query.scope(tenantId, q), q.limit);
    if (!wantsCsv(q, req)) return { data };
    return sendCsv(reply, 'errors', ['code', 'class', 'count', 'failed', 'rejected', 'title', 'action'], data as unknown as Record<string, unknown>[]);
  }

  @Get('templates')
  async templates(@TenantId() tenantId: string, @Query() q: TopQuery): Promise<unknown> {
    return { data: await this.query.templates(this.query.scope(tenantId, q), q.limit) };
  }

  /** Cost per campaign (ADR 0155): `?ids=a,b` → `{data: [{campaignId, currency, total, byCategory, unpriced, billable, free}]}`. */
  @Get('campaigns/cost')
  async campaignCost(@TenantId() tenantId: string, @Query() q: CampaignCostQuery): Promise<unknown> {
    return { data: await this.query.campaignCost(tenantId, [...new Set(q.ids.split(','))]) };
  }

  @Get('cost')
  async cost(@TenantId() tenantId: string, @Query() q: RangeQuery, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const { summary, lines } = await this.query.cost(this.query.scope(tenantId, q));
    if (!wantsCsv(q, req)) return { ...summary, lines };
    const rows = lines.map((l) => ({ ...l, currency: summary.currency ?? '' }));
    return sendCsv(reply, 'cost', ['category', 'type', 'pricingModel', 'market', 'billable', 'free', 'unitPrice', 'amount', 'currency'], rows);
  }
}
