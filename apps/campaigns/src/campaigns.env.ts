import { IsInt, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';

/** Environment of the campaigns service (validated once at boot). */
export class CampaignsEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3008;

  /** Shared secret the gateway sends in `x-internal-token` (and this service sends to contacts). */
  @ProductionSecret() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  INTERNAL_TOKEN!: string;

  /** Postgres schema this service owns. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'campaigns';

  /** Consumer group (its DLQ is `<group>.dlq.v1`). */
  @Matches(/^[a-zA-Z0-9._-]+$/)
  CAMPAIGNS_CONSUMER_GROUP = 'campaigns';

  /** The contacts service's internal API: audiences are read from it page by page (ADR 0152). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CONTACTS_URL = 'http://127.0.0.1:3003';

  /** The analytics service's internal API: it prices messages, so it answers each campaign's cost (ADR 0155). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ANALYTICS_URL = 'http://127.0.0.1:3005';

  /** Deadline of the cost lookup; past it `GET /v1/campaigns/:id` answers `cost: null` rather than waiting. */
  @IsInt() @Min(100) @Max(60000)
  CAMPAIGNS_ANALYTICS_TIMEOUT_MS = 2000;

  /** Contacts per page of an audience's expansion (the contacts API allows up to 500). */
  @IsInt() @Min(1) @Max(500)
  CAMPAIGNS_EXPANSION_PAGE = 500;

  /** Pages one runner tick expands at most per campaign (expansion is spread over ticks; memory stays one page). */
  @IsInt() @Min(1) @Max(1000)
  CAMPAIGNS_EXPANSION_PAGES_PER_TICK = 20;

  /** How often the runner expands audiences, paces sends and notices pause/resume/cancel (ADR 0153). */
  @IsInt() @Min(20) @Max(60000)
  CAMPAIGNS_TICK_MS = 250;

  /**
   * Share of a number's throughput (mps) campaigns may plan; the rest stays for API sends and
   * replies, and the dispatcher's own limiter has the last word.
   */
  @IsInt() @Min(1) @Max(100)
  CAMPAIGNS_MPS_SHARE_PERCENT = 80;

  /**
   * Backpressure: the runner plans no more while a number's campaign recipients still with the
   * dispatcher (queued, not yet sent or ended) exceed this many seconds of its campaign rate
   * (at least 10). Keeps the dispatcher's queue short, so a pause takes effect within seconds
   * even when the dispatcher is slower than the number's rate.
   */
  @IsInt() @Min(1) @Max(86400)
  CAMPAIGNS_MAX_IN_FLIGHT_SECONDS = 2;

  /** Most sends planned per number per tick (bounds one produce batch). */
  @IsInt() @Min(1) @Max(100000)
  CAMPAIGNS_MAX_SENDS_PER_TICK = 2000;

  /** Deadline of one call to the contacts service. */
  @IsInt() @Min(100) @Max(120000)
  CAMPAIGNS_CONTACTS_TIMEOUT_MS = 15000;

  /** Most events one consumed batch folds in one transaction. */
  @IsInt() @Min(1) @Max(5000)
  CAMPAIGNS_BATCH_MESSAGES = 1000;

  /** Longest request. */
  @IsInt() @Min(1000) @Max(600000)
  CAMPAIGNS_REQUEST_TIMEOUT_MS = 15000;

  /** Largest CSV of per-recipient template parameters (`PUT /v1/campaigns/:id/parameters`); more → 413. */
  @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  CAMPAIGNS_PARAMETERS_MAX_BYTES = 50 * 1024 * 1024;

  /** Largest `audience.contactIds` / `audience.waIds` list in one request. */
  @IsInt() @Min(1) @Max(100000)
  CAMPAIGNS_MAX_LISTED_RECIPIENTS = 10000;
}
