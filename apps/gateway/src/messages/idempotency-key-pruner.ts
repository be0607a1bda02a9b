import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '@wabridge/time';
import { Clock } from '../auth/rate-limiter';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CLOCK, GATEWAY_ENV } from '../tokens';
import { MessagesRepository } from './messages.repository';

const HOUR_MS = 3_600_000;
const CHUNK = 5000;

/**
 * Forgets Idempotency-Keys older than IDEMPOTENCY_KEY_TTL_HOURS (ADR 0067), at boot and then
 * hourly, in chunks: the message stays, only its key is cleared, so the key can be used again
 * (a send with an expired key is also recognized on the spot, see SendService).
 */
@Injectable()
export class IdempotencyKeyPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(IdempotencyKeyPruner.name);
  private readonly job: PeriodicJob;

  constructor(
    private readonly messages: MessagesRepository,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.prune(), HOUR_MS, (err) => this.log.warn(`idempotency key prune failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** Clears every expired key; returns how many. */
  async prune(): Promise<number> {
    const usedBefore = new Date(this.clock.now() - this.env.IDEMPOTENCY_KEY_TTL_HOURS * HOUR_MS);
    let total = 0;
    for (;;) {
      const n = await this.messages.pruneIdempotencyKeys(usedBefore, CHUNK);
      total += n;
      if (n < CHUNK) break;
    }
    if (total > 0) this.log.log(`${total} expired idempotency keys forgotten`);
    return total;
  }
}
