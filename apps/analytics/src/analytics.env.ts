import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';

/** Environment of the analytics service (validated once at boot). */
export class AnalyticsEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3005;

  /** Shared secret the gateway sends in `x-internal-token`; requests without it are refused. */
  @ProductionSecret() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  INTERNAL_TOKEN!: string;

  /** Postgres schema this service owns. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'analytics';

  /** Consumer group (its DLQ is `<group>.dlq.v1`). The rebuild command uses a fresh one. */
  @Matches(/^[a-zA-Z0-9._-]+$/)
  ANALYTICS_CONSUMER_GROUP = 'analytics';

  /** Most events one batch folds in one transaction. */
  @IsInt() @Min(1) @Max(5000)
  ANALYTICS_BATCH_MESSAGES = 500;

  /** Longest request (reads over long ranges merge many sketches). */
  @IsInt() @Min(1000) @Max(600000)
  ANALYTICS_REQUEST_TIMEOUT_MS = 30000;

  /** Widest range one query may cover, in days (bounds the rows a query reads). */
  @IsInt() @Min(1) @Max(3660)
  ANALYTICS_MAX_RANGE_DAYS = 400;

  /**
   * Per-message fact rows (the dedupe memory, ADR 0120) older than this are pruned; an event
   * about a message older than this is counted again if it is redelivered. Rollups are kept.
   */
  @IsInt() @Min(1) @Max(3650)
  ANALYTICS_FACT_RETENTION_DAYS = 45;

  /** How often the fact prune runs (also once at boot). */
  @IsInt() @Min(1000) @Max(86400000)
  ANALYTICS_PRUNE_INTERVAL_MS = 3600000;
}
