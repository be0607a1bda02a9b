import { SandboxEnv } from './sandbox.env';

/** The sandbox's resolved configuration (everything but network binding and boot number). */
export interface SandboxSettings {
  bodyLimitBytes: number;
  callsLogMax: number;
  mediaStoreMaxBytes: number;
  mediaUrlTtlMs: number;
  numbersMax: number;
  defaultMps: number;
  defaultPairBurst: number;
  pairRefillMs: number;
  defaultTier: string;
  windowMs: number;
  notOnWhatsAppPattern: string;
  statusSentDelayMs: number;
  statusDeliveredDelayMs: number;
  statusReadDelayMs: number;
  statusReadRate: number;
  statusFailureRate: number;
  templateReviewDelayMs: number;
  upgradeMaintenanceMs: number;
  marketingPerUserLimit: number;
  outboxMaxPending: number;
  webhookBatchMax: number;
  webhookTickMs: number;
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  webhookConcurrency: number;
}

export function settingsFromEnv(env: SandboxEnv): SandboxSettings {
  return {
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    callsLogMax: env.CALLS_LOG_MAX,
    mediaStoreMaxBytes: env.MEDIA_STORE_MAX_BYTES,
    mediaUrlTtlMs: env.MEDIA_URL_TTL_MS,
    numbersMax: env.NUMBERS_MAX,
    defaultMps: env.DEFAULT_MPS,
    defaultPairBurst: env.DEFAULT_PAIR_BURST,
    pairRefillMs: env.PAIR_REFILL_MS,
    defaultTier: env.DEFAULT_TIER,
    windowMs: env.WINDOW_MS,
    notOnWhatsAppPattern: env.NOT_ON_WHATSAPP_PATTERN,
    statusSentDelayMs: env.STATUS_SENT_DELAY_MS,
    statusDeliveredDelayMs: env.STATUS_DELIVERED_DELAY_MS,
    statusReadDelayMs: env.STATUS_READ_DELAY_MS,
    statusReadRate: env.STATUS_READ_RATE,
    statusFailureRate: env.STATUS_FAILURE_RATE,
    templateReviewDelayMs: env.TEMPLATE_REVIEW_DELAY_MS,
    upgradeMaintenanceMs: env.UPGRADE_MAINTENANCE_MS,
    marketingPerUserLimit: env.MARKETING_PER_USER_LIMIT,
    outboxMaxPending: env.OUTBOX_MAX_PENDING,
    webhookBatchMax: env.WEBHOOK_BATCH_MAX,
    webhookTickMs: env.WEBHOOK_TICK_MS,
    webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
    webhookMaxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    webhookRetryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    webhookRetryMaxMs: env.WEBHOOK_RETRY_MAX_MS,
    webhookConcurrency: env.WEBHOOK_CONCURRENCY,
  };
}

/** Meta's defaults, for tests and the in-process factory. */
export function defaultSettings(): SandboxSettings {
  return settingsFromEnv(new SandboxEnv());
}

export const SANDBOX_SETTINGS = Symbol('SANDBOX_SETTINGS');
export const CLOCK = Symbol('CLOCK');
export const RANDOM = Symbol('RANDOM');
