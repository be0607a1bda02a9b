import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks } from '@wabridge/database';
import { counter } from '@wabridge/telemetry';
import { Clock, PeriodicJob } from '@wabridge/time';
import { AnalyticsEnv } from '../analytics.env';
import { CLOCK } from '../analytics.tokens';

const DAY_MS = 86_400_000;
const pruned = counter<'table'>('analytics_facts_pruned_total', 'Dedupe rows (message facts, seen keys) older than ANALYTICS_FACT_RETENTION_DAYS deleted', ['table']);

/**
 * The dedupe memory is bounded (ADR 0120): facts and seen keys untouched for
 * ANALYTICS_FACT_RETENTION_DAYS go, in short chunks; the rollups they produced stay.
 */
@Injectable()
export class FactPruneService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('AnalyticsFactPrune');
  private readonly job: PeriodicJob;

  constructor(
    private readonly ds: DataSource,
    private readonly env: AnalyticsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.prune(), env.ANALYTICS_PRUNE_INTERVAL_MS, (err) => this.log.warn(`fact prune failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  async prune(): Promise<void> {
    const before = new Date(this.clock.now() - this.env.ANALYTICS_FACT_RETENTION_DAYS * DAY_MS);
    pruned.inc({ table: 'message_facts' }, await deleteInChunks(this.ds, 'message_facts', 'updated_at < $1', [before], 2000));
    pruned.inc({ table: 'seen_keys' }, await deleteInChunks(this.ds, 'seen_keys', 'seen_at < $1', [before], 2000));
  }
}
