import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, PeriodicJob } from '@wabridge/time';
import { CLOCK } from './common/tokens';
import { DeliveriesRepository } from './delivery/deliveries.repository';
import { deliveryMetrics } from './delivery/delivery.metrics';
import { NotifierEnv } from './notifier.env';
import { NumbersRepository } from './numbers/numbers.repository';

const CHUNK = 5000;

/** Drops finished deliveries, events and parked events older than NOTIFIER_RETENTION_DAYS; refreshes the pending gauge. */
@Injectable()
export class RetentionService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('Retention');
  private readonly job: PeriodicJob;
  private readonly gauge: PeriodicJob;

  constructor(
    private readonly ds: DataSource,
    private readonly env: NotifierEnv,
    private readonly deliveries: DeliveriesRepository,
    private readonly numbers: NumbersRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.prune(), env.NOTIFIER_RETENTION_INTERVAL_MS, (err) => this.log.warn(`retention prune failed: ${err.message}`));
    this.gauge = new PeriodicJob(
      async () => deliveryMetrics.pending.set(await this.deliveries.pendingCount(this.ds)),
      15000,
      (err) => this.log.debug(`pending gauge: ${err.message}`),
    );
  }

  onModuleInit(): void {
    this.job.start();
    this.gauge.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.job.stop(), this.gauge.stop()]);
  }

  async prune(): Promise<number> {
    const before = new Date(this.clock.now() - this.env.NOTIFIER_RETENTION_DAYS * 86400000);
    let total = await this.numbers.pruneParked(this.ds, before);
    for (;;) {
      const n = await this.deliveries.prune(this.ds, before, CHUNK);
      total += n;
      if (n === 0) break;
    }
    return total;
  }
}
