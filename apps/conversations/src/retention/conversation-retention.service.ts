import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { counter } from '@wabridge/telemetry';
import { pruneEachTenant } from '@wabridge/database';
import { Clock, PeriodicJob } from '@wabridge/time';
import { ConversationsEnv } from '../conversations.env';
import { CLOCK } from '../conversations.tokens';
import { RetentionRepository } from './retention.repository';


/** The longest cooldown (7 days) and more than the longest budget window. */
const FIRINGS_KEPT_MS = 7 * 86_400_000;

const deleted = counter<'what'>('conversations_retention_deleted_total', 'Deleted by the conversation retention prune: messages, conversations (left empty), automation_firings', ['what']);

/**
 * History retention (ADR 0132): each tenant's messages older (by their own time) than its
 * `retentionDays` — or CONVERSATIONS_RETENTION_DAYS, 0 = forever — go in short chunks, then the
 * conversations left empty. Once at boot, then every CONVERSATIONS_RETENTION_INTERVAL_MS, never
 * twice at once in a process (replicas may overlap harmlessly: a row goes once).
 */
@Injectable()
export class ConversationRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ConversationRetention');
  private readonly job: PeriodicJob;

  constructor(
    private readonly repo: RetentionRepository,
    private readonly env: ConversationsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.prune(), env.CONVERSATIONS_RETENTION_INTERVAL_MS, (err) => this.log.warn(`conversation retention prune failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** A prune that starts after this call (one in progress is waited for first). Never rejects; failures are logged. */
  async pruneNow(): Promise<void> {
    await this.job.trigger();
    await this.job.trigger();
  }

  private async prune(): Promise<void> {
    const now = this.clock.now();
    const chunk = this.env.CONVERSATIONS_DELETE_CHUNK_ROWS;
    let messages = 0;
    let conversations = 0;
    try {
      // one tenant's failure does not keep the others' history
      await pruneEachTenant(await this.repo.tenants(), this.env.CONVERSATIONS_RETENTION_DAYS, now, async (tenantId, before) => {
        const m = await this.repo.pruneMessages(tenantId, before, chunk);
        const c = await this.repo.pruneConversations(tenantId, before, chunk);
        // firings back the cooldowns (up to 7 days) and the reply budget: kept at least that long (ADR 0135)
        const f = await this.repo.pruneFirings(tenantId, new Date(Math.min(before.getTime(), now - FIRINGS_KEPT_MS)), chunk);
        deleted.inc({ what: 'automation_firings' }, f);
        messages += m;
        conversations += c;
        deleted.inc({ what: 'messages' }, m);
        deleted.inc({ what: 'conversations' }, c);
      });
    } finally {
      if (messages + conversations > 0) this.log.log(`retention: ${messages} messages and ${conversations} empty conversations deleted`);
    }
  }
}
