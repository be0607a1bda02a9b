import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { metrics } from '../metrics/dispatcher.metrics';
import { MessageRepository } from '../messages/message.repository';
import { MessageLifecycle } from './message-lifecycle';

export interface ReconcilerOptions {
  /** How long past its due time a live message may stay untouched before it is re-queued. */
  graceMs: number;
  reconcileTimeoutMs: number;
  /** Rows re-queued per sweep at most (a backlog is worked off over several sweeps). */
  batch: number;
}

/**
 * The safety net under Kafka redelivery (ADR 0035): every accepted message must reach a final
 * state or a visible wait. A message normally travels as a copy in a topic (the request, or
 * a retry tier) whose version matches its row; a crash between a row's write and its copy's
 * produce or commit can leave a row with no live copy. The sweep finds rows still on their
 * way that are overdue by `graceMs` and re-queues each through the shortest retry tier with a
 * new version, which makes any late old copy stale, so the message moves on exactly once.
 * An `attempting` row goes back as a reconciliation: a status webhook may still settle it
 * before it is resent. Every instance sweeps; version guards let one win each row.
 */
export class StuckMessageReconciler {
  private readonly log = new Logger('StuckMessageReconciler');

  constructor(
    private readonly repo: MessageRepository,
    private readonly lifecycle: MessageLifecycle,
    private readonly clock: Clock,
    private readonly options: ReconcilerOptions,
  ) {}

  /** One sweep; returns how many messages it re-queued (run by a PeriodicJob: never two at once). */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const rows = await this.repo.overdue(new Date(now), this.options.graceMs, this.options.reconcileTimeoutMs, this.options.batch);
    let requeued = 0;
    for (const row of rows) {
      const reason = row.status === 'attempting' ? 'reconcile' : 'resume';
      const version = await this.lifecycle.defer({ request: row.request }, row, reason, now, { hop: true });
      if (version !== null) {
        requeued++;
        metrics.overdueRequeued.inc({ status: row.status });
      }
    }
    if (requeued > 0) this.log.warn(`re-queued ${requeued} overdue message(s) that had no live copy`);
    return requeued;
  }
}
