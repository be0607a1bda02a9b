import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { META_DEFAULT_MPS, META_PAIR_LIMIT } from '@wabridge/meta';

/**
 * Environment of the sandbox. Every knob has Meta's default (DESIGN.md §5) so `node
 * dist/main.js` with no env behaves like a fresh Cloud API number. Values convert by the
 * type of their default (see @wabridge/config).
 */
export class SandboxEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsInt() @Min(0) @Max(65535)
  PORT = 3100;

  @IsString()
  HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Largest request body (JSON or multipart upload) in bytes; above it → 413 with Meta's error shape. */
  @IsInt() @Min(1024)
  BODY_LIMIT_BYTES = 16 * 1024 * 1024;

  /** Graph calls kept for `GET /_sandbox/calls`; older ones are evicted. */
  @IsInt() @Min(1) @Max(1_000_000)
  CALLS_LOG_MAX = 10_000;

  /** Total bytes of uploaded and simulated media kept in memory; oldest evicted first. */
  @IsInt() @Min(1024)
  MEDIA_STORE_MAX_BYTES = 256 * 1024 * 1024;

  /** Lifetime of a media download URL (Meta: 5 minutes). */
  @IsInt() @Min(1)
  MEDIA_URL_TTL_MS = 5 * 60 * 1000;

  @IsInt() @Min(1) @Max(100_000)
  NUMBERS_MAX = 1000;

  // --- Meta's limits (per-number defaults; POST /_sandbox/numbers overrides mps, pairBurst, tier)
  @IsInt() @Min(1) @Max(100_000)
  DEFAULT_MPS = META_DEFAULT_MPS;

  @IsInt() @Min(1) @Max(10_000)
  DEFAULT_PAIR_BURST = META_PAIR_LIMIT.burst;

  /** One message per this many ms refills the pair bucket (Meta: 1 per 6 s). */
  @IsInt() @Min(1)
  PAIR_REFILL_MS = META_PAIR_LIMIT.refillMs;

  @IsString()
  DEFAULT_TIER = 'TIER_250';

  /** Customer-service window length (Meta: 24 h). */
  @IsInt() @Min(1)
  WINDOW_MS = 24 * 60 * 60 * 1000;

  /** Recipients whose wa_id matches are not on WhatsApp (→ failed 131026). Country code 999 does not exist. */
  @IsString()
  NOT_ON_WHATSAPP_PATTERN = '^999';

  // --- Simulated delivery
  @IsInt() @Min(0)
  STATUS_SENT_DELAY_MS = 50;

  @IsInt() @Min(0)
  STATUS_DELIVERED_DELAY_MS = 150;

  @IsInt() @Min(0)
  STATUS_READ_DELAY_MS = 500;

  /** Share of delivered messages that the user reads (0..1). */
  @IsNumber() @Min(0) @Max(1)
  STATUS_READ_RATE = 1;

  /** Share of sent messages that fail with 131026 instead of being delivered (0..1). */
  @IsNumber() @Min(0) @Max(1)
  STATUS_FAILURE_RATE = 0;

  /**
   * After a number's mps is raised (re-registered with a higher mps), sends answer 131057 for
   * this long, as Meta does for about a minute during a throughput upgrade. 0 (the default)
   * turns it off, so tests that reconfigure numbers are not surprised; 60000 is Meta's.
   */
  @IsInt() @Min(0)
  UPGRADE_MAINTENANCE_MS = 0;

  /** Marketing templates a user may receive per moving 24 h before 131049 (Meta does not publish its number); 0 = no limit. */
  @IsInt() @Min(0)
  MARKETING_PER_USER_LIMIT = 0;

  /** Time a created template stays PENDING before APPROVED/REJECTED. */
  @IsInt() @Min(0)
  TEMPLATE_REVIEW_DELAY_MS = 2000;

  // --- Webhook outbox
  @IsInt() @Min(1) @Max(1_000_000)
  OUTBOX_MAX_PENDING = 20_000;

  /** Updates per webhook POST at most (Meta: up to 1,000). */
  @IsInt() @Min(1) @Max(1000)
  WEBHOOK_BATCH_MAX = 100;

  /** How often due webhooks are collected; updates due within one tick share a POST. */
  @IsInt() @Min(1) @Max(10_000)
  WEBHOOK_TICK_MS = 20;

  @IsInt() @Min(1)
  WEBHOOK_TIMEOUT_MS = 5000;

  @IsInt() @Min(1) @Max(100)
  WEBHOOK_MAX_ATTEMPTS = 10;

  @IsInt() @Min(1)
  WEBHOOK_RETRY_BASE_MS = 1000;

  @IsInt() @Min(1)
  WEBHOOK_RETRY_MAX_MS = 5 * 60 * 1000;

  @IsInt() @Min(1) @Max(1000)
  WEBHOOK_CONCURRENCY = 16;

  // --- A number registered at boot (what `npm start` uses); skipped when SANDBOX_PHONE_NUMBER_ID is unset
  @IsOptional() @IsString()
  SANDBOX_PHONE_NUMBER_ID?: string;

  @IsString()
  SANDBOX_DISPLAY_PHONE_NUMBER = '15550001234';

  @IsString()
  SANDBOX_WABA_ID = '100000000000001';

  @IsString()
  SANDBOX_ACCESS_TOKEN = 'sandbox-token';

  @IsString()
  META_APP_ID = 'local';

  @IsString()
  META_APP_SECRET = 'local-app-secret';

  /** Defaults to the local ingress: http://127.0.0.1:3001/webhooks/meta/<META_APP_ID>. */
  @IsOptional() @IsString()
  SANDBOX_CALLBACK_URL?: string;
}
