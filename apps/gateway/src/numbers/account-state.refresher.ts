import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '@wabridge/time';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GATEWAY_ENV } from '../tokens';
import { AccountStateService } from './account-state.service';

/**
 * Every META_STATE_TICK_MS: lifts expired messaging restrictions, then reads back from Graph the
 * WABAs not refreshed for META_STATE_REFRESH_INTERVAL_MS (a few per tick, so a large registry
 * spreads its Graph calls over the interval instead of bursting at boot).
 */
@Injectable()
export class AccountStateRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AccountStateRefresher.name);
  private readonly job: PeriodicJob;

  constructor(
    private readonly state: AccountStateService,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
  ) {
    this.job = new PeriodicJob(() => this.tick(), env.META_STATE_TICK_MS, (err) => this.log.warn(`account state tick failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** One tick (also what tests drive): expired restrictions first, then due refreshes. */
  async tick(): Promise<void> {
    await this.state.liftExpiredRestrictions();
    if (this.env.META_STATE_REFRESH_INTERVAL_MS > 0) await this.state.refreshDue(this.env.META_STATE_REFRESH_INTERVAL_MS);
  }
}
