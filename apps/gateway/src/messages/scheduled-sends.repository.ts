import { returnedRows } from '@wabridge/database';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OutboundRequestedV1 } from '@wabridge/contracts';
import { DATA_SOURCE } from '../tokens';
import { HistoryEntry } from './message-lifecycle';

export interface DueSend {
  message_id: string;
  tenant_id: string;
  phone_number_id: string;
  command: OutboundRequestedV1;
}

export type CancelOutcome = { cancelled: true; at: string } | { cancelled: false };

/**
 * SQL of the scheduled sends the gateway holds (ADR 0150). Release and cancel are competing
 * updates of one row guarded by its state: only a `pending` row can be claimed for release or
 * cancelled, so exactly one of them wins, whatever the timing.
 */
@Injectable()
export class ScheduledSendsRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  async insert(m: EntityManager, s: { messageId: string; tenantId: string; phoneNumberId: string; sendAt: string; command: OutboundRequestedV1 }): Promise<void> {
    await m.query(
      `INSERT INTO scheduled_sends (message_id, tenant_id, phone_number_id, send_at, command, state) VALUES ($1, $2, $3, $4, $5, 'pending')`,
      [s.messageId, s.tenantId, s.phoneNumberId, s.sendAt, JSON.stringify(s.command)],
    );
  }

  /**
   * Claims up to `limit` sends due by `dueBy` (pending), plus those whose earlier release was
   * claimed before `staleBefore` and never confirmed (a crash or a failed produce: produced
   * again, the dispatcher deduplicates by message id). Claimed rows are `releasing` from here
   * on: no longer cancellable, since their command may already be on the topic.
   */
  async claimDue(dueBy: Date, staleBefore: Date, now: Date, limit: number): Promise<DueSend[]> {
    return returnedRows<DueSend>(await this.db.query(
      `UPDATE scheduled_sends SET state = 'releasing', claimed_at = $3, updated_at = $3
        WHERE message_id IN (SELECT message_id FROM scheduled_sends WHERE state = 'pending' AND send_at <= $1 ORDER BY send_at LIMIT $4 FOR UPDATE SKIP LOCKED)
           OR message_id IN (SELECT message_id FROM scheduled_sends WHERE state = 'releasing' AND claimed_at < $2 LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING message_id, tenant_id, phone_number_id, command`,
      [dueBy, staleBefore, now, limit],
    ));
  }

  /** The claimed sends are on the topic. */
  async markReleased(messageIds: string[], now: Date): Promise<void> {
    if (messageIds.length === 0) return;
    await this.db.query(`UPDATE scheduled_sends SET state = 'released', updated_at = $2 WHERE message_id = ANY($1) AND state = 'releasing'`, [messageIds, now]);
  }

  /**
   * Cancels the tenant's scheduled send if it is still pending, and moves its message to
   * `cancelled` in the same transaction. A send being released (or released) is not cancelled.
   */
  async cancel(tenantId: string, messageId: string, now: Date): Promise<CancelOutcome> {
    return this.db.transaction(async (m) => {
      const rows = returnedRows<{ message_id: string }>(await m.query(
        `UPDATE scheduled_sends SET state = 'cancelled', updated_at = $3 WHERE tenant_id = $1 AND message_id = $2 AND state = 'pending' RETURNING message_id`,
        [tenantId, messageId, now],
      ));
      if (rows.length === 0) return { cancelled: false };
      const at = now.toISOString();
      const entry: HistoryEntry = { status: 'cancelled', at };
      await m.query(
        `UPDATE messages SET status = 'cancelled', status_rank = 10, history = history || $3::jsonb, updated_at = $4 WHERE tenant_id = $1 AND id = $2`,
        [tenantId, messageId, JSON.stringify([entry]), now],
      );
      return { cancelled: true, at };
    });
  }

  /** When the tenant's scheduled message is due (null when it is not one held here). */
  async sendAtOf(tenantId: string, messageId: string): Promise<Date | null> {
    const rows = returnedRows<{ send_at: Date }>(await this.db.query('SELECT send_at FROM scheduled_sends WHERE tenant_id = $1 AND message_id = $2', [tenantId, messageId]));
    return rows[0]?.send_at ?? null;
  }
}
