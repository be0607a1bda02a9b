import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';

/** Environment of the media service (validated once at boot). */
export class MediaEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3004;

  /** Shared secret the gateway sends in `x-internal-token`; requests without it are refused. */
  @ProductionSecret() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  INTERNAL_TOKEN!: string;

  /** `<id>:<base64 32 bytes>[,…]`: opens the numbers' access tokens (AAD: number, Graph base URL, revision; ADR 0072). */
  @ProductionSecret() @IsString()
  ENCRYPTION_KEYS = '';

  /** Postgres schema this service owns. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'media';

  /** Consumer group (its DLQ is `<group>.dlq.v1`). */
  @Matches(/^[a-zA-Z0-9._-]+$/)
  MEDIA_CONSUMER_GROUP = 'media';

  /** Where media bytes live: `local` (MEDIA_STORAGE_DIR) or `s3` (an S3-compatible bucket, MEDIA_S3_*; ADR 0107). */
  @IsIn(['local', 's3'])
  MEDIA_STORAGE: 'local' | 's3' = 'local';

  /** Bucket of the s3 storage; required with MEDIA_STORAGE=s3, and it must exist (the service does not create it). */
  @ValidateIf((e: MediaEnv) => e.MEDIA_STORAGE === 's3')
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/, { message: 'must name an existing bucket when MEDIA_STORAGE=s3' })
  MEDIA_S3_BUCKET?: string;

  /** S3 API endpoint (MinIO, R2, Ceph, S3Proxy: `https://host[:port]`); unset = AWS's endpoint for MEDIA_S3_REGION. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+\/?$/, { message: 'must be an http(s)://host[:port] URL' })
  MEDIA_S3_ENDPOINT?: string;

  /** Signing region (`auto` for R2; any value for MinIO/Ceph unless configured otherwise). */
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'must be a region name such as us-east-1 or auto' })
  MEDIA_S3_REGION = 'us-east-1';

  /** `true`: path-style URLs (`host/bucket/key`), as MinIO, Ceph and S3Proxy usually need. */
  @IsBoolean()
  MEDIA_S3_FORCE_PATH_STYLE = false;

  /** Static credentials (both or neither); unset = the AWS SDK's default chain (env, profile, web identity, instance role). */
  @ValidateIf((e: MediaEnv) => e.MEDIA_S3_SECRET_ACCESS_KEY !== undefined)
  @IsString() @MinLength(1, { message: 'must be set together with MEDIA_S3_SECRET_ACCESS_KEY' })
  MEDIA_S3_ACCESS_KEY_ID?: string;

  @ProductionSecret({ required: false })
  @ValidateIf((e: MediaEnv) => e.MEDIA_S3_ACCESS_KEY_ID !== undefined)
  @IsString() @MinLength(1, { message: 'must be set together with MEDIA_S3_ACCESS_KEY_ID' })
  MEDIA_S3_SECRET_ACCESS_KEY?: string;

  /** Prepended to every object key (e.g. `media/`), so the bucket can be shared. */
  @Matches(/^[A-Za-z0-9!_.*'()/-]{0,200}$/, { message: 'may hold only letters, digits and !_.*\'()/-' })
  MEDIA_S3_PREFIX = '';

  /** Longest S3 request until its answer starts, and longest idle socket while bytes stream. */
  @IsInt() @Min(100) @Max(600000)
  MEDIA_S3_TIMEOUT_MS = 30000;

  /** Multipart part size (S3's minimum is 5); one upload holds about four to six parts in memory. */
  @IsInt() @Min(5) @Max(512)
  MEDIA_S3_PART_SIZE_MB = 5;

  /** Directory of the local filesystem storage (created at boot). */
  @IsString() @MinLength(1)
  MEDIA_STORAGE_DIR = '.local/media';

  /** Longest request (an upload is read at disk pace, so this bounds one upload). */
  @IsInt() @Min(1000) @Max(3600000)
  MEDIA_REQUEST_TIMEOUT_MS = 600000;

  /** Longest Graph call (an upload of a stored file to Meta, a retrieve). */
  @IsInt() @Min(100) @Max(3600000)
  MEDIA_GRAPH_TIMEOUT_MS = 120000;

  /** Media per page of `GET /v1/media`. */
  @IsInt() @Min(1) @Max(1000)
  MEDIA_PAGE_SIZE = 100;

  // ---- inbound media (ADR 0103) ----

  /** Longest `GET /{media-id}` (the URL lookup). */
  @IsInt() @Min(100) @Max(600000)
  MEDIA_INBOUND_RETRIEVE_TIMEOUT_MS = 15000;

  /** Longest download of one inbound object, whole body included (100 MB documents at a modest pace). */
  @IsInt() @Min(100) @Max(3600000)
  MEDIA_INBOUND_DOWNLOAD_TIMEOUT_MS = 300000;

  /** Inbound media objects fetched at once per consumed batch (they are independent: no order to keep). */
  @IsInt() @Min(1) @Max(64)
  MEDIA_INBOUND_CONCURRENCY = 8;

  /** Tries per round (the consumer's own round, then each durable round), each with fresh URLs. */
  @IsInt() @Min(1) @Max(10)
  MEDIA_INBOUND_TRIES = 3;

  /** Pause before the second try of a round (doubling after). */
  @IsInt() @Min(0) @Max(60000)
  MEDIA_INBOUND_RETRY_BASE_MS = 500;

  /** Rounds (the consumer's included) before a transiently failing object is recorded as failed. */
  @IsInt() @Min(1) @Max(1000)
  MEDIA_INBOUND_MAX_ROUNDS = 12;

  /** Pause before the first durable round (doubling, capped by MEDIA_INBOUND_ROUND_BACKOFF_MAX_MS). */
  @IsInt() @Min(10) @Max(3600000)
  MEDIA_INBOUND_ROUND_BACKOFF_MS = 10000;

  @IsInt() @Min(10) @Max(86400000)
  MEDIA_INBOUND_ROUND_BACKOFF_MAX_MS = 900000;

  /** How often due retries and unannounced outcomes are swept. */
  @IsInt() @Min(10) @Max(3600000)
  MEDIA_INBOUND_SWEEP_MS = 5000;

  /**
   * A Meta media id older than this is not reused for a send: the object is uploaded to Graph
   * again (Meta keeps uploaded media 30 days; the margin covers the send's own delays). ADR 0110.
   */
  @IsInt() @Min(1) @Max(29 * 24)
  MEDIA_META_ID_MAX_AGE_HOURS = 25 * 24;

  /**
   * Hosts or CIDRs a `link` send may fetch although private/loopback (e.g. `127.0.0.1/32` in
   * tests). Empty = public addresses only (ADR 0109).
   */
  @IsOptional() @IsString()
  MEDIA_LINK_ALLOWED_TARGETS = '';

  /** Require https links; default: only under NODE_ENV=production. */
  @IsOptional() @IsIn(['true', 'false'])
  MEDIA_LINK_REQUIRE_HTTPS?: 'true' | 'false';

  /** Redirects a link fetch follows (each target checked again). */
  @IsInt() @Min(0) @Max(10)
  MEDIA_LINK_MAX_REDIRECTS = 3;

  /** Until a link's host accepts the connection. */
  @IsInt() @Min(100) @Max(60000)
  MEDIA_LINK_CONNECT_TIMEOUT_MS = 5000;

  /** Whole link fetch, body included (the gateway waits MEDIA_RESOLVE_LINK_TIMEOUT_MS for it plus the Graph upload). */
  @IsInt() @Min(100) @Max(600000)
  MEDIA_LINK_TIMEOUT_MS = 30000;

  // ---- retention (ADR 0112) ----

  /** Media (rows and bytes) older than this many days is deleted; 0 = kept forever. A tenant may set its own (`PUT /v1/media/settings`). */
  @IsInt() @Min(0) @Max(3650)
  MEDIA_RETENTION_DAYS = 90;

  /** How often the retention prune runs (also once at boot). */
  @IsInt() @Min(1000) @Max(86400000)
  MEDIA_RETENTION_INTERVAL_MS = 3600000;

  /** Objects per prune chunk (their bytes deleted, then their rows in one short statement). */
  @IsInt() @Min(1) @Max(10000)
  MEDIA_RETENTION_CHUNK_ROWS = 200;
}

export function linkRequiresHttps(env: MediaEnv): boolean {
  return env.MEDIA_LINK_REQUIRE_HTTPS ? env.MEDIA_LINK_REQUIRE_HTTPS === 'true' : env.NODE_ENV === 'production';
}
