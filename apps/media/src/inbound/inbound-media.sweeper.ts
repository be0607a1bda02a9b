import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock, PeriodicJob } from '@wabridge/time';
import { MediaEnv } from '../media.env';
import { CLOCK } from '../media.tokens';
import { InboundMediaRepository } from './inbound-media.repository';
import { InboundMediaService } from './inbound-media.service';

/** Objects claimed per sweep (fetched one after another: a sweep is bounded, the next one continues). */
const SWEEP_BATCH = 5;
/** An outcome younger than this is still being announced by the worker that reached it. */
const ANNOUNCE_GRACE_MS = 30_000;

/**
 * The durable half of inbound media retries (ADR 0103): every MEDIA_INBOUND_SWEEP_MS, pending
 * objects whose next round is due are claimed (SKIP LOCKED: replicas share the work) and tried
 * again, and outcomes whose event did not go out are announced.
 */
@Injectable()
export class InboundMediaSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('InboundMediaSweeper');
  private readonly job: PeriodicJob;

  constructor(
    private readonly repo: InboundMediaRepository,
    private readonly inbound: InboundMediaService,
    private readonly env: MediaEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.sweep(), env.MEDIA_INBOUND_SWEEP_MS, (err) => this.log.warn(`inbound media sweep failed: ${err.message}`));
  }

  onModuleInit(): void {
    this.job.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }

  /** One sweep (tests call it through `trigger` to avoid waiting for the interval). */
  trigger(): Promise<void> {
    return this.job.trigger();
  }

  private async sweep(): Promise<void> {
    const now = this.clock.now();
    const due = await this.repo.claimDue(new Date(now), new Date(now + this.inbound.leaseMs), SWEEP_BATCH);
    for (const job of due) await this.inbound.work(job);
    for (const o of await this.repo.unannounced(new Date(this.clock.now() - ANNOUNCE_GRACE_MS), 50)) await this.inbound.announce(o);
  }
}
