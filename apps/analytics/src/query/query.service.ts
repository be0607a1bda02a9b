import { Inject, Injectable } from '@nestjs/common';
import { classifyMetaError, errorAction, ErrorClass } from '@wabridge/meta';
import { ApiError } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { AnalyticsEnv } from '../analytics.env';
import { CLOCK } from '../analytics.tokens';
import { LATENCY_PAIRS, LatencyPair, LatencySketch, Percentiles } from '../fold/latency-sketch';
import { RateCardRepository } from '../rate-card/rate-card.repository';
import { RangeQuery, TimeseriesMetric } from './analytics-query.dto';
import { amountOf, CostLine, CostSummary, priceOf, summarizeCost } from './cost';
import { CountRow, QueryRepository, Scope } from './query.repository';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const FUNNEL = ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected', 'inbound'] as const;

export interface Summary {
  accepted: number; sent: number; delivered: number; read: number; failed: number; rejected: number; inbound: number;
  cost: CostSummary;
  latencyMs: Record<LatencyPair, Percentiles>;
  range: { from: string; to: string; phoneNumberId: string | null };
}

export type LatencyPoint = { at: string } & Record<LatencyPair, Percentiles>;

export interface ErrorLine {
  code: number | null;
  class: string;
  failed: number;
  rejected: number;
  count: number;
  /** Meta's title as last reported for this code (or the platform's own message). */
  title: string | null;
  /** What the platform does about errors of this code (libs/meta's taxonomy). */
  action: string;
}

export interface TemplateLine {
  name: string;
  language: string;
  sent: number; delivered: number; read: number; failed: number;
  /** Billable/priced messages of this template by the category Meta charged. */
  byCategory: Record<string, number>;
}

/** Answers the REST reads from the rollups (tenant-scoped; ranges bounded by ANALYTICS_MAX_RANGE_DAYS). */
@Injectable()
export class QueryService {
  constructor(
    private readonly repo: QueryRepository,
    private readonly cards: RateCardRepository,
    private readonly env: AnalyticsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The range asked for, checked: from < to, at most ANALYTICS_MAX_RANGE_DAYS; `from` rounds down to its hour. */
  scope(tenantId: string, q: RangeQuery): Scope {
    const now = this.clock.now();
    const to = q.to ? Date.parse(q.to) : Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
    const from = q.from ? Date.parse(q.from) : to - 7 * DAY_MS;
    if (Number.isNaN(from) || Number.isNaN(to)) throw ApiError.badRequest('from and to must be valid dates');
    if (from >= to) throw ApiError.badRequest('from must be before to', [{ field: 'from', problems: ['must be before to'] }]);
    if (to - from > this.env.ANALYTICS_MAX_RANGE_DAYS * DAY_MS) {
      throw ApiError.badRequest(`the range may span at most ${this.env.ANALYTICS_MAX_RANGE_DAYS} days`, [{ field: 'from', problems: ['range too wide'] }]);
    }
    return { tenantId, from: new Date(Math.floor(from / HOUR_MS) * HOUR_MS), to: new Date(to), ...(q.phoneNumberId ? { phoneNumberId: q.phoneNumberId } : {}) };
  }

  async summary(scope: Scope): Promise<Summary> {
    const [rows, cost, latencyMs] = await Promise.all([this.repo.counts(scope, [...FUNNEL]), this.cost(scope), this.latency(scope)]);
    const total = (m: string) => rows.filter((r) => r.metric === m).reduce((a, r) => a + r.count, 0);
    return {
      accepted: total('accepted'), sent: total('sent'), delivered: total('delivered'), read: total('read'),
      failed: total('failed'), rejected: total('rejected'), inbound: total('inbound'),
      cost: cost.summary, latencyMs,
      range: { from: scope.from.toISOString(), to: scope.to.toISOString(), phoneNumberId: scope.phoneNumberId ?? null },
    };
  }

  /** HDR sketches of every hour and number in range, merged (exact merge; 1 % value resolution). */
  async latency(scope: Scope): Promise<Record<LatencyPair, Percentiles>> {
    const merged = Object.fromEntries(LATENCY_PAIRS.map((p) => [p, LatencySketch.empty()])) as Record<LatencyPair, LatencySketch>;
    for (const row of await this.repo.sketches(scope)) merged[row.pair].merge(LatencySketch.decode(row.histogram));
    return Object.fromEntries(LATENCY_PAIRS.map((p) => [p, merged[p].percentiles()])) as Record<LatencyPair, Percentiles>;
  }

  /**
   * Percentiles per hour or UTC day (sketches merged within each bucket); buckets without
   * samples are listed with nulls, like the counters' zeros.
   */
  async latencySeries(scope: Scope, interval: 'hour' | 'day'): Promise<{ interval: 'hour' | 'day'; data: LatencyPoint[] }> {
    const step = interval === 'hour' ? HOUR_MS : DAY_MS;
    const buckets = new Map<number, Record<LatencyPair, LatencySketch>>();
    const fresh = () => Object.fromEntries(LATENCY_PAIRS.map((p) => [p, LatencySketch.empty()])) as Record<LatencyPair, LatencySketch>;
    for (let t = Math.floor(scope.from.getTime() / step) * step; t < scope.to.getTime(); t += step) buckets.set(t, fresh());
    for (const row of await this.repo.sketchSeries(scope, interval)) {
      const t = row.bucket.getTime();
      let b = buckets.get(t);
      if (!b) buckets.set(t, (b = fresh()));
      b[row.pair].merge(LatencySketch.decode(row.histogram));
    }
    const data = [...buckets.entries()].sort(([a], [b]) => a - b)
      .map(([t, b]) => ({ at: new Date(t).toISOString(), ...Object.fromEntries(LATENCY_PAIRS.map((p) => [p, b[p].percentiles()])) }) as LatencyPoint);
    return { interval, data };
  }

  async cost(scope: Scope): Promise<{ summary: CostSummary; lines: CostLine[] }> {
    const [card, rows] = await Promise.all([this.cards.get(scope.tenantId), this.repo.counts(scope, ['billable', 'billable_in_conversation', 'free'])]);
    const lines = new Map<string, CostLine>();
    for (const r of rows) {
      const k = [r.d1, r.d2, r.d3, r.d4].join('\u0000');
      let line = lines.get(k);
      if (!line) {
        const unitPrice = priceOf(card, r.d1, r.d4);
        lines.set(k, (line = { category: r.d1, type: r.d2, pricingModel: r.d3, market: r.d4, billable: 0, free: 0, unitPrice, amount: 0 }));
      }
      // a CBP conversation is charged once; its other messages are neither billable again nor free
      if (r.metric === 'billable') line.billable += r.count;
      if (r.metric === 'free') line.free += r.count;
    }
    for (const l of lines.values()) l.amount = amountOf(l.billable, l.unitPrice);
    const sorted = [...lines.values()].sort((a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type) || a.pricingModel.localeCompare(b.pricingModel) || a.market.localeCompare(b.market));
    return { summary: summarizeCost(card, sorted), lines: sorted };
  }

  /**
   * What each campaign's delivered messages cost (ADR 0155), priced with the tenant's rate card
   * like `cost`: one summary per asked id (zero for a campaign with no charged message yet).
   */
  async campaignCost(tenantId: string, campaignIds: string[]): Promise<(CostSummary & { campaignId: string; billable: number; free: number })[]> {
    const [card, rows] = await Promise.all([this.cards.get(tenantId), this.repo.campaignCounts(tenantId, campaignIds)]);
    return campaignIds.map((campaignId) => {
      const lines = new Map<string, CostLine>();
      for (const r of rows.filter((x) => x.d1 === campaignId)) {
        const k = [r.d2, r.d3, r.d4].join('\u0000');
        let line = lines.get(k);
        if (!line) lines.set(k, (line = { category: r.d2, type: '', pricingModel: r.d4, market: r.d3, billable: 0, free: 0, unitPrice: priceOf(card, r.d2, r.d3), amount: 0 }));
        if (r.metric === 'campaign_billable') line.billable += r.count;
        if (r.metric === 'campaign_free') line.free += r.count;
      }
      for (const l of lines.values()) l.amount = amountOf(l.billable, l.unitPrice);
      const all = [...lines.values()];
      return { campaignId, ...summarizeCost(card, all), billable: all.reduce((a, l) => a + l.billable, 0), free: all.reduce((a, l) => a + l.free, 0) };
    });
  }

  /** One point per hour or UTC day of the range (zeros included, so a chart needs no gap logic). */
  async timeseries(scope: Scope, metric: TimeseriesMetric, interval: 'hour' | 'day'): Promise<{ metric: TimeseriesMetric; interval: 'hour' | 'day'; currency?: string | null; data: { at: string; value: number }[] }> {
    const step = interval === 'hour' ? HOUR_MS : DAY_MS;
    const first = Math.floor(scope.from.getTime() / step) * step;
    const values = new Map<number, number>();
    for (let t = first; t < scope.to.getTime(); t += step) values.set(t, 0);
    let currency: string | null | undefined;
    if (metric === 'cost') {
      const card = await this.cards.get(scope.tenantId);
      currency = card?.currency ?? null;
      const micro = new Map<number, number>();
      for (const r of await this.repo.series(scope, ['billable'], interval)) {
        const t = r.bucket.getTime();
        micro.set(t, (micro.get(t) ?? 0) + Math.round(amountOf(r.count, priceOf(card, r.d1, r.d4)) * 1e6));
      }
      for (const [t, v] of micro) values.set(t, v / 1e6);
    } else {
      for (const r of await this.repo.series(scope, [metric], interval)) values.set(r.bucket.getTime(), (values.get(r.bucket.getTime()) ?? 0) + r.count);
    }
    const data = [...values.entries()].sort(([a], [b]) => a - b).map(([t, value]) => ({ at: new Date(t).toISOString(), value }));
    return { metric, interval, ...(currency !== undefined ? { currency } : {}), data };
  }

  async errors(scope: Scope, limit: number): Promise<ErrorLine[]> {
    const rows = await this.repo.counts(scope, ['failed', 'rejected']);
    const byCode = new Map<string, ErrorLine>();
    for (const r of rows) {
      const code = r.d2 === '' ? null : Number(r.d2);
      const k = `${r.d1}\u0000${r.d2}`;
      let line = byCode.get(k);
      if (!line) byCode.set(k, (line = { code, class: r.d1, failed: 0, rejected: 0, count: 0, title: null, action: actionOf(r.d1, code) }));
      if (r.metric === 'failed') line.failed += r.count;
      else line.rejected += r.count;
      line.count += r.count;
    }
    const top = [...byCode.values()].sort((a, b) => b.count - a.count || (a.code ?? 0) - (b.code ?? 0)).slice(0, limit);
    const titles = await this.repo.errorTitles(scope.tenantId, top.flatMap((l) => (l.code === null ? [] : [l.code])));
    for (const l of top) l.title = l.code === null ? null : titles.get(l.code) ?? null;
    return top;
  }

  async templates(scope: Scope, limit: number): Promise<TemplateLine[]> {
    const rows = await this.repo.counts(scope, ['template_sent', 'template_delivered', 'template_read', 'template_failed', 'template_priced']);
    const byTemplate = new Map<string, TemplateLine>();
    for (const r of rows) {
      const k = `${r.d1}\u0000${r.d2}`;
      let t = byTemplate.get(k);
      if (!t) byTemplate.set(k, (t = { name: r.d1, language: r.d2, sent: 0, delivered: 0, read: 0, failed: 0, byCategory: {} }));
      addTemplateCount(t, r);
    }
    return [...byTemplate.values()].sort((a, b) => b.sent - a.sent || a.name.localeCompare(b.name) || a.language.localeCompare(b.language)).slice(0, limit);
  }
}

function addTemplateCount(t: TemplateLine, r: CountRow): void {
  switch (r.metric) {
    case 'template_sent': t.sent += r.count; break;
    case 'template_delivered': t.delivered += r.count; break;
    case 'template_read': t.read += r.count; break;
    case 'template_failed': t.failed += r.count; break;
    default: t.byCategory[r.d3] = (t.byCategory[r.d3] ?? 0) + r.count;
  }
}

const META_CLASSES: ReadonlySet<string> = new Set(['throttled', 'transient', 'auth', 'permanent', 'template', 'quality', 'unknown']);

/** The platform's action for an error (libs/meta's taxonomy); compliance refusals happen before Meta is asked. */
function actionOf(cls: string, code: number | null): string {
  if (cls === 'compliance') return 'refused before sending (compliance check), nothing sent to Meta';
  const known: ErrorClass = META_CLASSES.has(cls) ? (cls as ErrorClass) : classifyMetaError(code ?? undefined);
  return errorAction(known, code ?? undefined).summary;
}
