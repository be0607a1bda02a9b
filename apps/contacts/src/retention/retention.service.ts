import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '@wabridge/time';
import { counter } from '@wabridge/telemetry';
import { CLOCK, Clock } from '../common/clock';
import { ContactsEnv } from '../contacts.env';
import { RetentionRepository } from './retention.repository';

const DAY_MS = 86_400_000;
const pruned = counter('contacts_retention_pruned_total', 'Rows deleted by the retention prune', ['table']);

export interface PruneResult {
  processedInbound: number;
  parkedEvents: number;
  optEvents: number;
}

/**
 * Retention of the tables that grow with traffic (ADR 0076): the inbound idempotency ledger,
 * events parked for numbers that never got a tenant, and consent history. Runs once at boot
 * and then every CONTACTS_RETENTION_INTERVAL_MS, each table in chunks until nothing older is
 * left. Contacts themselves are kept until erased: they are the tenant's data, not a log.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RetentionService.name);
  private readonly job: PeriodicJob;

  constructor(
    private readonly repo: RetentionRepository,
    private readonly env: ContactsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.prune(), env.CONTACTS_RETENTION_INTERVAL_MS, (err) => this.log.warn(`retention prune failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** Deletes everything past its retention; returns the counts per table. */
  async prune(): Promise<PruneResult> {
    const now = this.clock.now().getTime();
    const before = (days: number): Date => new Date(now - days * DAY_MS);
    const chunk = this.env.CONTACTS_RETENTION_CHUNK_ROWS;
    const processedInbound = await this.repo.pruneProcessedInbound(before(this.env.CONTACTS_PROCESSED_INBOUND_RETENTION_DAYS), chunk);
    const parkedEvents = await this.repo.pruneParkedEvents(before(this.env.CONTACTS_PARKED_EVENTS_RETENTION_DAYS), chunk);
    const optEvents = await this.repo.pruneOptEvents(before(this.env.CONTACTS_OPT_EVENTS_RETENTION_DAYS), chunk);
    pruned.inc({ table: 'processed_inbound' }, processedInbound);
    pruned.inc({ table: 'parked_events' }, parkedEvents);
    pruned.inc({ table: 'opt_events' }, optEvents);
    if (processedInbound + parkedEvents + optEvents > 0) {
      this.log.log(`retention: ${processedInbound} processed_inbound, ${parkedEvents} parked_events, ${optEvents} opt_events deleted`);
    }
    return { processedInbound, parkedEvents, optEvents };
  }
}
