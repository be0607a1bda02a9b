import { Admin, Kafka } from 'kafkajs';
import { STATUS_UPDATED_V1, topicName } from '@wabridge/contracts';

/**
 * How many status webhooks are queued but not yet applied (lag of the dispatcher's state
 * consumer group on `wa.status.updated.v1`). Reconciliation resends an unknown-outcome send only
 * when this is small: otherwise the status that would settle it may simply not be read yet
 * (after a crash the backlog is exactly the statuses of the calls that were in flight).
 */
export class StatusBacklog {
  private admin: Admin | null = null;
  private cached: { at: number; lag: number } | null = null;
  private inflight: Promise<number> | null = null;
  /** Next offset to read per partition, as this process's status handler advanced it (ahead of commits). */
  private readonly applied = new Map<number, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topicSuffix: string | undefined,
    private readonly cacheMs = 1000,
  ) {}

  /** Called by the status handler after it applied the message at `offset`. */
  markApplied(partition: number, offset: string): void {
    const next = Number(offset) + 1;
    if ((this.applied.get(partition) ?? -1) < next) this.applied.set(partition, next);
  }

  async lag(): Promise<number> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.lag;
    this.inflight ??= this.read().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async read(): Promise<number> {
    try {
      if (!this.admin) {
        this.admin = this.kafka.admin();
        await this.admin.connect();
      }
      const topic = topicName(STATUS_UPDATED_V1.topic, this.topicSuffix);
      const [high, committed] = await Promise.all([
        this.admin.fetchTopicOffsets(topic),
        this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] }),
      ]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const [p, next] of this.applied) done.set(p, Math.max(done.get(p) ?? -1, next));
      let lag = 0;
      for (const p of high) {
        const c = done.get(p.partition) ?? -1;
        lag += c < 0 ? Number(p.high) - Number(p.low) : Math.max(0, Number(p.high) - c);
      }
      this.cached = { at: Date.now(), lag };
      return lag;
    } catch {
      return Number.POSITIVE_INFINITY; // unknown: do not resend
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }
}
