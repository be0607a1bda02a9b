import { randomBytes } from 'node:crypto';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv, ConfigError, DEV_ENCRYPTION_KEYS, DEV_INTERNAL_TOKEN, ProductionSecret } from '@wabridge/config';

/** Environment of the gateway (docs/gateway.md lists every variable). */
export class GatewayEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  /** After this long with an idle event loop, one collection gives the young generation back to the OS (ADR 0204, 30 s since ADR 0215); 0 = never. */
  @IsInt() @Min(0) @Max(3600000)
  IDLE_MEMORY_RELEASE_MS = 30000;

  /** Bearer token of the operator API `/admin/v1`. Required in production. */
  @ProductionSecret() @IsOptional() @IsString() @MinLength(16)
  ADMIN_TOKEN?: string;

  /** Shared with contacts/media/analytics: proves a forwarded request came through us. */
  @ProductionSecret() @IsOptional() @IsString() @MinLength(16)
  INTERNAL_TOKEN?: string;

  /** `<id>:<base64 32 bytes>[,…]`, first key encrypts (see SecretBox). */
  @ProductionSecret() @IsOptional() @IsString()
  ENCRYPTION_KEYS?: string;

  /**
   * Internal listener for `/health/live`, `/health/ready` and `/metrics` (ADR 0074): the public
   * PORT does not serve them. 0 = any free port. Expose it to probes and Prometheus only.
   */
  @IsInt() @Min(0) @Max(65535)
  MANAGEMENT_PORT = 9300;

  /** Interface of the management listener; unset = HOST. */
  @IsOptional() @IsString()
  MANAGEMENT_HOST?: string;

  /**
   * Lifetime of OAuth2 access tokens from `POST /oauth/token` (ADR 0160): a retired signing key
   * stays in the JWKS this long; a revoked client's tokens are refused within 5 s regardless.
   */
  @IsInt() @Min(60) @Max(86400)
  OAUTH_TOKEN_TTL_SECONDS = 900;

  /** `iss` of the access tokens (the gateway's public base URL in production). */
  @IsString()
  OAUTH_ISSUER = 'wabridge-gateway';

  /**
   * Registration steps (request-code, verify-code, register, two-step PIN) per number per minute
   * (ADR 0167), on top of the per-key limit: Meta limits code requests and PIN guesses too.
   */
  @IsInt() @Min(1) @Max(600)
  REGISTRATION_RATE_LIMIT_PER_MINUTE = 10;

  /** Requests per minute per API key (token bucket, per gateway instance). */
  @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE = 6000;

  @IsInt() @Min(1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /**
   * A request whose body has not fully arrived after this long answers 408 and its connection
   * is closed (slow uploads, slow-loris). Streamed uploads (`POST /v1/contacts/import`) get
   * FORWARD_IMPORT_TIMEOUT_MS instead (ADR 0066).
   */
  @IsInt() @Min(100)
  REQUEST_TIMEOUT_MS = 30000;

  /**
   * Largest upload to `POST /v1/contacts/import` (streamed, so not bounded by BODY_LIMIT_BYTES):
   * a larger Content-Length answers 413 at once, a stream passing it is cut and answers 413.
   */
  @IsInt() @Min(1024)
  FORWARD_IMPORT_MAX_BYTES = 100 * 1024 * 1024;

  /**
   * How long an Idempotency-Key is remembered: a later request with the same key is a new
   * request; expired keys are pruned (ADR 0067).
   */
  @IsInt() @Min(1) @Max(24 * 30)
  IDEMPOTENCY_KEY_TTL_HOURS = 24;

  @Matches(/^[a-z_][a-z0-9_]*$/)
  DATABASE_SCHEMA = 'gateway';

  @IsInt() @Min(1) @Max(500)
  DB_POOL_SIZE = 30;

  @IsString()
  CONSUMER_GROUP = 'gateway';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CONTACTS_URL = 'http://127.0.0.1:3003';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  MEDIA_URL = 'http://127.0.0.1:3004';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ANALYTICS_URL = 'http://127.0.0.1:3005';

  /** The notifier (webhook endpoints and deliveries), behind `/v1/webhook-endpoints…`. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  NOTIFIER_URL = 'http://127.0.0.1:3006';

  /** The conversations service (history, read marker, assignment), behind `/v1/conversations…` (ADR 0130). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CONVERSATIONS_URL = 'http://127.0.0.1:3007';

  /** The campaigns service, behind `/v1/campaigns…` (ADR 0151). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CAMPAIGNS_URL = 'http://127.0.0.1:3008';

  @IsInt() @Min(100)
  FORWARD_TIMEOUT_MS = 10000;

  /**
   * How long a send naming our media id waits for the media service to resolve it to a Meta id
   * (a re-upload to Graph included). Below Fastify's 60 s idle-connection timeout. ADR 0111.
   */
  @IsInt() @Min(100) @Max(55000)
  MEDIA_RESOLVE_TIMEOUT_MS = 30000;

  /** The same for a send carrying a `link` (fetched by the media service, then uploaded to Graph). */
  @IsInt() @Min(100) @Max(55000)
  MEDIA_RESOLVE_LINK_TIMEOUT_MS = 50000;

  /**
   * Timeout for forwarded bulk uploads (`POST /v1/contacts/import`): contacts answers only once
   * the whole stream is imported (100k rows take about a minute).
   */
  @IsInt() @Min(100)
  FORWARD_IMPORT_TIMEOUT_MS = 600000;

  /** Where numbers registered without `graphBaseUrl` send (real Meta by default). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';

  @Matches(/^v\d+\.\d+$/)
  DEFAULT_GRAPH_API_VERSION = 'v23.0';

  /** How long a produce may wait for Kafka before the request answers 503. */
  @IsInt() @Min(100)
  KAFKA_SEND_TIMEOUT_MS = 5000;

  /** Republish every app/number at boot so compacted topics are complete (1) or not (0). */
  @IsInt() @Min(0) @Max(1)
  REPUBLISH_REGISTRY_AT_BOOT = 1;

  /** Settled messages (sent and after) are deleted this many days after they were accepted (ADR 0076). */
  @IsInt() @Min(1)
  GATEWAY_MESSAGE_RETENTION_DAYS = 90;

  /** Statuses that never found their message (sent outside this platform) are kept this many days. */
  @IsInt() @Min(1)
  GATEWAY_UNMATCHED_STATUS_RETENTION_DAYS = 7;

  /** Record tenant API calls in the request log (ADR 0180); false = none recorded, the hooks are not installed. */
  @IsBoolean({ message: 'must be true or false' })
  REQUEST_LOG_ENABLED = true;

  /** Request log rows are deleted this many days after the call (ADR 0180, pruned with ADR 0076's job). */
  @IsInt() @Min(1) @Max(365)
  REQUEST_LOG_RETENTION_DAYS = 7;

  /** A request or response body is kept up to this many bytes of redacted JSON (above: its head, marked truncated). */
  @IsInt() @Min(256) @Max(1048576)
  REQUEST_LOG_BODY_MAX_BYTES = 8192;

  /** Calls waiting to be written; beyond it calls are dropped and counted (gateway_request_log_dropped_total), sends never wait. */
  @IsInt() @Min(100) @Max(1000000)
  REQUEST_LOG_QUEUE_MAX = 20000;

  /** How long a call may wait in the queue before its batch is written (batches also go at 500 calls). */
  @IsInt() @Min(10) @Max(60000)
  REQUEST_LOG_FLUSH_MS = 500;

  /**
   * Scheduled sends (ADR 0150): a send whose `sendAt` is further ahead than the lead is held
   * by the gateway (status `scheduled`, cancellable) and released to the dispatcher this long
   * before its time; the dispatcher then waits in-process for the exact time (its inline
   * horizon, 2 s by default, must be longer than the lead).
   */
  @IsInt() @Min(0) @Max(60000)
  SCHEDULED_RELEASE_LEAD_MS = 1500;

  /** How often the releaser looks for due scheduled sends (bounds how late one fires, with the lead). */
  @IsInt() @Min(20) @Max(60000)
  SCHEDULED_RELEASE_INTERVAL_MS = 250;

  /** A `releasing` send whose produce was not confirmed within this long is produced again. */
  @IsInt() @Min(1000)
  SCHEDULED_RELEASE_RETRY_MS = 10000;

  /** How often the retention prune runs (also once at boot). */
  @IsInt() @Min(1000)
  GATEWAY_RETENTION_INTERVAL_MS = 3600000;

  /**
   * How often each WABA's and number's state is read back from Graph (quality, tier, name,
   * throughput, review and business verification; ADR 0163); 0 = never (webhooks only).
   */
  @IsInt() @Min(0)
  META_STATE_REFRESH_INTERVAL_MS = 21_600_000;

  /** How often the account-state job looks for due refreshes and expired restrictions. */
  @IsInt() @Min(1000) @Max(3_600_000)
  META_STATE_TICK_MS = 60_000;

  /** Rows per DELETE statement of the retention prune (short locks). */
  @IsInt() @Min(1) @Max(100000)
  GATEWAY_RETENTION_CHUNK_ROWS = 5000;
}

/** GatewayEnv after secrets were resolved (required in production, printed dev defaults otherwise). */
export type ResolvedGatewayEnv = GatewayEnv & { ADMIN_TOKEN: string; INTERNAL_TOKEN: string; ENCRYPTION_KEYS: string };

/**
 * In production the three secrets must be set. Elsewhere missing ones get defaults that are
 * printed once: a random admin token, and fixed well-known dev values for the internal token
 * and encryption key so that other local services (which must share them) agree without set-up.
 */
export function resolveSecrets(env: GatewayEnv, print: (line: string) => void = () => undefined): ResolvedGatewayEnv {
  // loadConfig (@ProductionSecret) already refuses unset or dev values in production; this only
  // guards callers that build a GatewayEnv by hand.
  const missing = (['ADMIN_TOKEN', 'INTERNAL_TOKEN', 'ENCRYPTION_KEYS'] as const).filter((k) => !env[k]);
  if (env.NODE_ENV === 'production' && missing.length > 0) {
    throw new ConfigError(missing.map((variable) => ({ variable, reasons: ['is required in production'] })));
  }
  const out = env as ResolvedGatewayEnv;
  if (!env.ADMIN_TOKEN) {
    out.ADMIN_TOKEN = `adm_dev_${randomBytes(18).toString('base64url')}`;
    print(`ADMIN_TOKEN not set; using ${out.ADMIN_TOKEN} for this run (dev only)`);
  }
  if (!env.INTERNAL_TOKEN) {
    out.INTERNAL_TOKEN = DEV_INTERNAL_TOKEN;
    print(`INTERNAL_TOKEN not set; using the well-known dev value "${out.INTERNAL_TOKEN}" (dev only)`);
  }
  if (!env.ENCRYPTION_KEYS) {
    out.ENCRYPTION_KEYS = DEV_ENCRYPTION_KEYS;
    print('ENCRYPTION_KEYS not set; using the well-known dev key "dev" (dev only, never for real secrets)');
  }
  return out;
}
