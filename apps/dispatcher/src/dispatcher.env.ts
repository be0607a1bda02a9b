import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';
import { META_PAIR_LIMIT } from '@wabridge/meta';

export class DispatcherEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3002;

  /** `<id>:<base64 32 bytes>[,…]`: opens the numbers' access tokens (AAD: number, Graph base URL, revision; ADR 0072). */
  @ProductionSecret() @IsString()
  ENCRYPTION_KEYS = '';

  @IsString()
  KAFKA_GROUP_ID = 'dispatcher';

  /**
   * kafkajs batch handlers run at once (parsing and handing a batch over; ADR 0034). Batches
   * being sent are not bounded by it: at most one per assigned partition is in flight.
   */
  @IsInt() @Min(1) @Max(256)
  DISPATCHER_CONCURRENCY = 16;

  @IsInt() @Min(100) @Max(120000)
  GRAPH_TIMEOUT_MS = 10000;

  /** Sends due within this horizon wait in-process (scheduled timers); later ones go to a retry tier. */
  @IsInt() @Min(0) @Max(10000)
  INLINE_HORIZON_MS = 2000;

  /**
   * Messages in a final state are deleted this many days after they were requested (keep it
   * longer than the retention of wa.outbound.requested.v1, so a replayed request still finds
   * its row and is not sent again).
   */
  @IsInt() @Min(1)
  MESSAGE_RETENTION_DAYS = 30;

  /** An `attempting` send whose outcome is unknown is retried only after this long without a status webhook. */
  @IsInt() @Min(1000)
  RECONCILE_TIMEOUT_MS = 120000;

  /**
   * A message still on its way that is this long overdue (past its due time, or past the
   * reconcile timeout when `attempting`) with nothing moving it is re-queued by the reconciler
   * sweep (it lost its copy in a crash; ADR 0035).
   */
  @IsInt() @Min(1000)
  OVERDUE_GRACE_MS = 60000;

  /** How often the reconciler sweeps for overdue messages. */
  @IsInt() @Min(100)
  RECONCILE_SWEEP_INTERVAL_MS = 15000;

  @IsInt() @Min(1) @Max(50)
  MAX_TRANSIENT_ATTEMPTS = 5;

  @IsInt() @Min(10)
  TRANSIENT_BACKOFF_BASE_MS = 1000;

  /** `false` turns the number and pair limiters off (benchmarks of raw throughput only). */
  @IsIn([true, false])
  RATE_LIMITS_ENABLED = true;

  /** Pair limiter (Meta: burst 45, one per 6 s). */
  @IsInt() @Min(1)
  PAIR_BURST = META_PAIR_LIMIT.burst;

  @IsInt() @Min(1)
  PAIR_REFILL_MS = META_PAIR_LIMIT.refillMs;

  /**
   * Added to our pair refill (besides 5 %): our bucket's clock starts when a burst is planned,
   * Meta's when the first message arrives, later by the claim/send latency.
   */
  @IsInt() @Min(0)
  PAIR_SAFETY_MS = 300;

  /** After this long with an idle event loop, one collection gives the young generation back to the OS (ADR 0204, 30 s since ADR 0215); 0 = never. */
  @IsInt() @Min(0) @Max(3600000)
  IDLE_MEMORY_RELEASE_MS = 30000;

  /** Number bucket depth in seconds of its mps (small: never bunch beyond Meta's bucket). */
  @IsOptional()
  NUMBER_BURST_SECONDS = 0.25;

  /**
   * Depth of the per-number gate right before the Graph call, in seconds of its mps. Below
   * Meta's one second, so sends delayed on the way (DB claim, late retry copies) and network
   * jitter after the gate never add up to more than Meta's bucket takes.
   */
  @IsOptional()
  SEND_GATE_BURST_SECONDS = 0.5;

  /** How long a request for a number we have no config for waits before it is rejected. */
  @IsInt() @Min(0)
  UNKNOWN_NUMBER_GRACE_MS = 30000;

  /** How long after its request a free-form message (API or Kafka) waits for the contact's window update before it is rejected outside-window (ADR 0135, 0219). */
  @IsInt() @Min(0) @Max(600000)
  WINDOW_GRACE_MS = 15000;

  @IsInt() @Min(1) @Max(100)
  DB_POOL_SIZE = 20;

  /** Postgres schema (tests use a fresh one per run). */
  @IsString()
  DATABASE_SCHEMA = 'dispatcher';

  /**
   * Keys of the suppression hashes of erased contacts (ADR 0075): comma-separated base64, at
   * least 32 bytes each; the first writes, all are matched (keep an old key listed after a
   * rotation, or its suppressions stop matching). Unset: derived from ENCRYPTION_KEYS; with
   * neither, a well-known development key (refused in production).
   */
  @IsString()
  SUPPRESSION_KEYS = '';
}
