import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { PeriodicJob } from '@wabridge/time';
import { Clock } from '../auth/rate-limiter';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CLOCK, GATEWAY_ENV } from '../tokens';
import { ScheduledSendsRepository } from './scheduled-sends.repository';
import { sourceHeader } from './message-projection.service';

const BATCH = 500;

/**
 * Gives held scheduled sends to the dispatcher when they are due (ADR 0150): every
 * SCHEDULED_RELEASE_INTERVAL_MS it claims the sends due within SCHEDULED_RELEASE_LEAD_MS
 * (`pending` → `releasing`, committed before the produce, so a cancel can no longer win),
 * produces their commands (each still carrying `sendAt`: the dispatcher waits in-process for
 * the exact time) and marks them `released`. A produce that fails or a crash in between
 * leaves them `releasing`; they are produced again after SCHEDULED_RELEASE_RETRY_MS and the
 * dispatcher deduplicates by message id. Rows live in Postgres, so a restart loses nothing;
 * several gateways share the work (SKIP LOCKED).
 */
@Injectable()
export class ScheduledSendReleaser implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ScheduledSendReleaser.name);
  private readonly job: PeriodicJob;

  constructor(
    private readonly scheduled: ScheduledSendsRepository,
    private readonly producer: EventProducer,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.releaseDue(), env.SCHEDULED_RELEASE_INTERVAL_MS, (err) => this.log.warn(`scheduled release failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** Releases every send due now (by the clock, plus the lead); returns how many were produced. */
  async releaseDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const due = await this.scheduled.claimDue(
        new Date(now + this.env.SCHEDULED_RELEASE_LEAD_MS), new Date(now - this.env.SCHEDULED_RELEASE_RETRY_MS), new Date(now), BATCH,
      );
      if (due.length === 0) break;
      await Promise.all(due.map((d) => this.producer.send(contractEvent(OUTBOUND_REQUESTED_V1, d.phone_number_id, d.command, { tenantId: d.tenant_id, headers: sourceHeader(d.command.source) }))));
      await this.scheduled.markReleased(due.map((d) => d.message_id), new Date(this.clock.now()));
      total += due.length;
      if (due.length < BATCH) break;
    }
    return total;
  }
}
