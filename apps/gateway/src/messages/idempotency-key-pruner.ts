import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly messages: MessagesRepository,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = (): void => {
      if (this.running) return;
      this.running = this.prune()
        .catch((err: Error) => this.log.warn(`idempotency key prune failed: ${err.message}`))
        .finally(() => { this.running = null; });
    };
    tick();
    this.timer = setInterval(tick, HOUR_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
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
