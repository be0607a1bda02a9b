import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
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

  // ---- automations (ADR 0133-0135) ----

  /** Most automation rules one tenant may hold (all numbers together). */
  @IsInt() @Min(1) @Max(100000)
  AUTOMATIONS_MAX_RULES_PER_TENANT = 2000;

  /** How long an instance keeps a number's compiled rules; changes made through this instance apply at once. */
  @IsInt() @Min(0) @Max(600000)
  AUTOMATIONS_RULE_CACHE_MS = 5000;

  /** At most this many automated replies to one contact per AUTOMATIONS_REPLY_BUDGET_WINDOW_MS, all rules together (loop prevention, ADR 0135). */
  @IsInt() @Min(1) @Max(1000)
  AUTOMATIONS_REPLY_BUDGET = 5;

  @IsInt() @Min(1000) @Max(7 * 86400000)
  AUTOMATIONS_REPLY_BUDGET_WINDOW_MS = 3600000;

  /** An inbound message older than this when it is folded (a late delivery, a replay) triggers nothing. */
  @IsInt() @Min(1000) @Max(86400000)
  AUTOMATIONS_MAX_MESSAGE_AGE_MS = 3600000;

  /** Hosts or CIDRs a forward action may reach although private (as NOTIFIER_ALLOWED_TARGETS). */
  @IsOptional() @IsString()
  AUTOMATIONS_ALLOWED_TARGETS = '';

  /** Deadline of one forward (a POST of the message to a rule's URL). */
  @IsInt() @Min(100) @Max(60000)
  AUTOMATIONS_FORWARD_TIMEOUT_MS = 5000;
}
