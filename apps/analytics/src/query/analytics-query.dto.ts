import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';

export const TIMESERIES_METRICS = ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected', 'inbound', 'cost'] as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];

/** `from`/`to` (ISO 8601; default: the last 7 days) and optionally one number; hour buckets in [from's hour, to). */
export class RangeQuery {
  @IsOptional() @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be a phone number id (digits)' })
  phoneNumberId?: string;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;

  /** `csv` (or `Accept: text/csv`) on timeseries, errors and cost. */
  @IsOptional() @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

export class TimeseriesQuery extends RangeQuery {
  @IsIn(TIMESERIES_METRICS, { message: `metric must be one of ${TIMESERIES_METRICS.join(', ')}` })
  metric!: TimeseriesMetric;

  @IsOptional() @IsIn(['hour', 'day'], { message: 'interval must be hour or day' })
  interval: 'hour' | 'day' = 'hour';
}

export class TopQuery extends RangeQuery {
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(500)
  limit = 50;
}

export class IntervalQuery extends RangeQuery {
  @IsOptional() @IsIn(['hour', 'day'], { message: 'interval must be hour or day' })
  interval: 'hour' | 'day' = 'hour';
}

/** `ids`: up to 100 campaign ids, comma-separated (ADR 0155). */
export class CampaignCostQuery {
  @Matches(/^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,99}$/, { message: 'ids must be 1-100 campaign ids, comma-separated' })
  ids!: string;
}
