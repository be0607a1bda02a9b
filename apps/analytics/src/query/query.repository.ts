import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LatencyPair } from '../fold/latency-sketch';

export interface Scope {
  tenantId: string;
  from: Date;
  to: Date;
  phoneNumberId?: string;
}

export interface CountRow {
  metric: string;
  d1: string;
  d2: string;
  d3: string;
  d4: string;
  count: number;
}

/** Reads of the rollups; every query is scoped by tenant (first argument) and range. */
@Injectable()
export class QueryRepository {
  constructor(private readonly ds: DataSource) {}

  /** Sums of the given metrics over the range, by dimensions. */
  async counts(scope: Scope, metrics: string[]): Promise<CountRow[]> {
    const rows = await this.ds.query<(Omit<CountRow, 'count'> & { count: string })[]>(
      `SELECT metric, d1, d2, d3, d4, sum(count)::text AS count FROM hourly_counts
       WHERE tenant_id = $1 AND hour >= $2 AND hour < $3 AND ($4::text IS NULL OR phone_number_id = $4) AND metric = ANY($5::text[])
       GROUP BY metric, d1, d2, d3, d4`,
      [scope.tenantId, scope.from, scope.to, scope.phoneNumberId ?? null, metrics],
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  /** Sums per UTC hour or day, by dimensions (only buckets that have counts). */
  async series(scope: Scope, metrics: string[], interval: 'hour' | 'day'): Promise<(CountRow & { bucket: Date })[]> {
    const rows = await this.ds.query<(Omit<CountRow, 'count'> & { count: string; bucket: Date })[]>(
      `SELECT date_trunc($6, hour, 'UTC') AS bucket, metric, d1, d2, d3, d4, sum(count)::text AS count FROM hourly_counts
       WHERE tenant_id = $1 AND hour >= $2 AND hour < $3 AND ($4::text IS NULL OR phone_number_id = $4) AND metric = ANY($5::text[])
       GROUP BY bucket, metric, d1, d2, d3, d4 ORDER BY bucket`,
      [scope.tenantId, scope.from, scope.to, scope.phoneNumberId ?? null, metrics, interval],
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async sketches(scope: Scope): Promise<{ pair: LatencyPair; histogram: string }[]> {
    return this.ds.query(
      `SELECT pair, histogram FROM latency_sketches
       WHERE tenant_id = $1 AND hour >= $2 AND hour < $3 AND ($4::text IS NULL OR phone_number_id = $4) AND samples > 0`,
      [scope.tenantId, scope.from, scope.to, scope.phoneNumberId ?? null],
    );
  }

  /** The same sketches with their UTC hour or day, for percentiles over time. */
  async sketchSeries(scope: Scope, interval: 'hour' | 'day'): Promise<{ bucket: Date; pair: LatencyPair; histogram: string }[]> {
    return this.ds.query(
      `SELECT date_trunc($5, hour, 'UTC') AS bucket, pair, histogram FROM latency_sketches
       WHERE tenant_id = $1 AND hour >= $2 AND hour < $3 AND ($4::text IS NULL OR phone_number_id = $4) AND samples > 0
       ORDER BY bucket`,
      [scope.tenantId, scope.from, scope.to, scope.phoneNumberId ?? null, interval],
    );
  }

  /** Per-campaign charge counters of these campaigns (all time: a campaign's cost has no range). */
  async campaignCounts(tenantId: string, campaignIds: string[]): Promise<CountRow[]> {
    const rows = await this.ds.query<(Omit<CountRow, 'count'> & { count: string })[]>(
      `SELECT metric, d1, d2, d3, d4, sum(count)::text AS count FROM hourly_counts
       WHERE tenant_id = $1 AND d1 = ANY($2::text[]) AND metric IN ('campaign_billable', 'campaign_free', 'campaign_billable_in_conversation')
       GROUP BY metric, d1, d2, d3, d4`,
      [tenantId, campaignIds],
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async errorTitles(tenantId: string, codes: number[]): Promise<Map<number, string>> {
    if (codes.length === 0) return new Map();
    const rows = await this.ds.query<{ code: number; title: string }[]>(
      'SELECT code, title FROM error_titles WHERE tenant_id = $1 AND code = ANY($2::int[])', [tenantId, codes],
    );
    return new Map(rows.map((r) => [r.code, r.title]));
  }
}
