import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';

/** Environment of the notifier (validated once at boot; docs/notifier.md lists every variable). */
export class NotifierEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3006;

  /** Shared secret the gateway sends in `x-internal-token`; requests without it are refused. */
  @ProductionSecret() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  INTERNAL_TOKEN!: string;

  /** `<id>:<base64 32 bytes>[,…]` (SecretBox): endpoint signing secrets are sealed with it at rest. */
  @ProductionSecret() @IsString()
  ENCRYPTION_KEYS!: string;

  /** Postgres schema this service owns. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'notifier';

  /** Consumer group (its DLQ is `<group>.dlq.v1`). */
  @Matches(/^[a-zA-Z0-9._-]+$/)
  NOTIFIER_CONSUMER_GROUP = 'notifier';

  @IsInt() @Min(1) @Max(100)
  NOTIFIER_CONSUMER_CONCURRENCY = 6;

  /**
   * Delay before each attempt, comma-separated ms: the first entry is the first attempt (0 = at
   * once), then one entry per retry. After the last, the fallback URL gets the same schedule,
   * then the delivery is dead. Default 0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
   */
  @Matches(/^\d+(,\d+)*$/, { message: 'must be a comma-separated list of milliseconds' })
  NOTIFIER_RETRY_SCHEDULE_MS = '0,5000,300000,1800000,7200000,18000000,36000000,36000000';

  /** An endpoint whose deliveries have failed without a success for this long is disabled. */
  @IsInt() @Min(1000)
  NOTIFIER_DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

  /** One delivery attempt's limit (connect + answer). */
  @IsInt() @Min(100) @Max(120000)
  NOTIFIER_REQUEST_TIMEOUT_MS = 10000;

  /** Deliveries in flight per endpoint and instance (32 since ADR 0216; 8 before). */
  @IsInt() @Min(1) @Max(1000)
  NOTIFIER_ENDPOINT_CONCURRENCY = 32;

  /**
   * Deliveries in flight per instance, all endpoints together (1024 since ADR 0216; 256 before):
   * 32 endpoints that never answer fill it, as 32 did with 8 slots each.
   */
  @IsInt() @Min(1) @Max(10000)
  NOTIFIER_WORKER_CONCURRENCY = 1024;

  /** How often the worker looks for due deliveries when nothing woke it. */
  @IsInt() @Min(10) @Max(60000)
  NOTIFIER_POLL_INTERVAL_MS = 500;

  /** Both the new and the previous secret sign for this long after a rotation. */
  @IsInt() @Min(0)
  NOTIFIER_SECRET_OVERLAP_MS = 24 * 3600 * 1000;

  /**
   * Comma-separated hosts or CIDRs the SSRF guard lets through although private/loopback
   * (e.g. `127.0.0.1/32,::1/128,receiver.internal`). Empty = public addresses only.
   */
  @IsOptional() @IsString()
  NOTIFIER_ALLOWED_TARGETS = '';

  /** Require https URLs; default: only under NODE_ENV=production. */
  @IsOptional() @IsIn(['true', 'false'])
  NOTIFIER_REQUIRE_HTTPS?: 'true' | 'false';

  /** Days events and finished deliveries are kept (replay reaches this far back). */
  @IsInt() @Min(1) @Max(3650)
  NOTIFIER_RETENTION_DAYS = 30;

  @IsInt() @Min(1000)
  NOTIFIER_RETENTION_INTERVAL_MS = 3600000;
}

export function retrySchedule(env: NotifierEnv): number[] {
  return env.NOTIFIER_RETRY_SCHEDULE_MS.split(',').map(Number);
}

export function requireHttps(env: NotifierEnv): boolean {
  return env.NOTIFIER_REQUIRE_HTTPS ? env.NOTIFIER_REQUIRE_HTTPS === 'true' : env.NODE_ENV === 'production';
}
