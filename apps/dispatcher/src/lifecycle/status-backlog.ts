import { Admin, Kafka } from 'kafkajs';
import { STATUS_UPDATED_V1, topicName } from '@wabridge/contracts';
import { logger } from '@wabridge/telemetry';

interface Snapshot {
  at: number;
  highs: Map<number, { low: number; high: number }>;
}

/**
 * Answers "has every status webhook that was on `wa.status.updated.v1` at time T been applied?"
 * Reconciliation resends an unknown-outcome send only when that holds for T = its deadline:
 * otherwise the status that would settle it may simply not be read yet (after a crash the
 * backlog is exactly the statuses of the calls that were in flight).
 *
 * High watermarks are snapshotted about once a second; a partition counts as applied up to
 * this process's own handler position (ahead of commits) or, for partitions another instance
 * owns, the group's committed offset.
 */
export class StatusBacklog {
  private admin: Admin | null = null;
  private readonly snapshots: Snapshot[] = [];
  private inflight: Promise<void> | null = null;
  private readonly applied = new Map<number, number>();
  private readonly topic: string;
  private loggedAt = 0;
  private readonly log = logger('status-backlog');

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    topicSuffix: string | undefined,
    private readonly snapshotEveryMs = 1000,
  ) {
    this.topic = topicName(STATUS_UPDATED_V1.topic, topicSuffix);
  }

  /** Called by the status handler after it applied the message at `offset`. */
  markApplied(partition: number, offset: string): void {
    const next = Number(offset) + 1;
    if ((this.applied.get(partition) ?? -1) < next) this.applied.set(partition, next);
  }

  /** True when every status on the topic at some moment ≥ `t` has been applied. */
  async appliedThrough(t: number): Promise<boolean> {
    await this.refresh();
    const snap = this.snapshots.find((s) => s.at >= t);
    if (!snap) return false;
    const committed = await this.committed();
    for (const [p, { low, high }] of snap.highs) {
      // An empty (or never-consumed, fully expired) partition has nothing to apply.
      const pos = Math.max(this.applied.get(p) ?? -1, committed.get(p) ?? -1, low);
      if (pos < high) {
        if (this.log.isLevelEnabled('debug') && Date.now() - this.loggedAt > 3000) {
          this.loggedAt = Date.now();
          this.log.debug({ partition: p, pos, applied: this.applied.get(p), committed: committed.get(p), low, high, snapshotAt: new Date(snap.at).toISOString() }, 'statuses not yet applied through the snapshot');
        }
        return false;
      }
    }
    return true;
  }

  private async refresh(): Promise<void> {
    const last = this.snapshots[this.snapshots.length - 1];
    if (last && Date.now() - last.at < this.snapshotEveryMs) return;
    this.inflight ??= (async () => {
      try {
        const at = Date.now();
        const highs = await (await this.client()).fetchTopicOffsets(this.topic);
        this.snapshots.push({ at, highs: new Map(highs.map((h) => [h.partition, { low: Number(h.low), high: Number(h.high) }])) });
        if (this.snapshots.length > 600) this.snapshots.shift();
      } catch {
        /* no snapshot: callers wait */
      } finally {
        this.inflight = null;
      }
    })();
    await this.inflight;
  }

  private async committed(): Promise<Map<number, number>> {
    try {
      const r = await (await this.client()).fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
      return new Map((r[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } catch {
      return new Map();
    }
  }

  private async client(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }
}
