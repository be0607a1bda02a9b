import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';

/** Environment of the conversations service (validated once at boot). */
export class ConversationsEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3007;

  /** Shared secret the gateway sends in `x-internal-token`; requests without it are refused. */
  @ProductionSecret() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  INTERNAL_TOKEN!: string;

  /** Postgres schema this service owns. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'conversations';

  /** Consumer group (its DLQ is `<group>.dlq.v1`). */
  @Matches(/^[a-zA-Z0-9._-]+$/)
  CONVERSATIONS_CONSUMER_GROUP = 'conversations';

  /** Most events one consumed batch writes in one transaction. */
  @IsInt() @Min(1) @Max(5000)
  CONVERSATIONS_BATCH_MESSAGES = 500;

  /** Longest request. */
  @IsInt() @Min(1000) @Max(600000)
  CONVERSATIONS_REQUEST_TIMEOUT_MS = 15000;

  /** Default page size of the listings (`limit` may ask for up to CONVERSATIONS_MAX_PAGE_SIZE). */
  @IsInt() @Min(1) @Max(1000)
  CONVERSATIONS_PAGE_SIZE = 50;

  @IsInt() @Min(1) @Max(1000)
  CONVERSATIONS_MAX_PAGE_SIZE = 200;

  // ---- retention (ADR 0132) ----

  /** Messages older than this many days (by their own time) are deleted; 0 = kept forever. A tenant may set its own (`PUT /v1/conversations/settings`). */
  @IsInt() @Min(0) @Max(3650)
  CONVERSATIONS_RETENTION_DAYS = 365;

  /** How often the retention prune runs (also once at boot). */
  @IsInt() @Min(1000) @Max(86400000)
  CONVERSATIONS_RETENTION_INTERVAL_MS = 3600000;

  /** Rows per delete statement of the prune and the erasure (short statements, short locks). */
  @IsInt() @Min(1) @Max(100000)
  CONVERSATIONS_DELETE_CHUNK_ROWS = 2000;
}
