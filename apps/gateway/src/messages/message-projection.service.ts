import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OutboundEventV1, OutboundRequestedV1, StatusUpdatedV1 } from '@wabridge/contracts';
import { classifyMetaError } from '@wabridge/meta';
import { DATA_SOURCE } from '../tokens';
import { applyLifecycleEvent, HistoryEntry, isProjectedStatus, ProjectedError } from './message-lifecycle';
import { MessageRow, MessagesRepository } from './messages.repository';

/**
 * Projects the dispatcher's lifecycle events and Meta's status webhooks onto the messages
 * table. Statuses find their message by our id (echoed in biz_opaque_callback_data) or by the
 * wamid learned from the dispatcher's `sent` event; a status that arrives before its wamid is
 * known is parked and applied when it is learned. Every handler is idempotent.
 */
@Injectable()
export class MessageProjectionService {
  private readonly log = new Logger(MessageProjectionService.name);

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly messages: MessagesRepository,
  ) {}

  /**
   * Commands from internal producers (source kafka/campaign) get their row here, so their
   * lifecycle is visible like any other; API sends already have theirs (same transaction).
   */
  async applyOutboundRequest(c: OutboundRequestedV1): Promise<void> {
    if (c.source === 'api' || c.source === 'cloud-api') return;
    await this.messages.insertFromCommand({
      id: c.id, tenantId: c.tenantId, phoneNumberId: c.phoneNumberId, to: c.to, recipientUserId: c.to ? undefined : c.recipient,
      type: c.type, idempotencyKey: c.idempotencyKey, requestHash: 'kafka', source: c.source, metadata: c.metadata,
      createdAt: new Date(c.requestedAt).toISOString(),
    });
  }

  async applyOutboundEvent(e: OutboundEventV1): Promise<void> {
    await this.db.transaction(async (m) => {
      const row = await this.messages.lockById(m, e.id);
      if (!row || row.tenant_id !== e.tenantId) {
        // Sent by an internal producer straight to Kafka, or not ours: nothing to project.
        this.log.debug?.(`outbound event for unknown message ${e.id}`);
        return;
      }
      const entry: HistoryEntry = { status: e.event, at: e.occurredAt };
      if (e.error) entry.error = { class: e.error.class, code: e.error.code, message: e.error.message };
      await this.apply(m, row, entry, e.wamid ?? null);
      if (e.wamid) await this.drainParked(m, row.id, row.phone_number_id, e.wamid);
    });
  }

  async applyStatus(s: StatusUpdatedV1): Promise<void> {
    const status = s.status;
    if (!isProjectedStatus(status)) return; // deleted / warning: not a delivery step
    const firstError = s.errors?.[0];
    const error: ProjectedError | undefined = firstError
      ? { class: classifyMetaError(firstError.code), code: firstError.code, message: firstError.message ?? firstError.title ?? 'failed' }
      : undefined;
    await this.db.transaction(async (m) => {
      let row: MessageRow | null = null;
      if (s.bizOpaqueCallbackData && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(s.bizOpaqueCallbackData)) {
        row = await this.messages.lockById(m, s.bizOpaqueCallbackData);
        if (row && row.phone_number_id !== s.phoneNumberId) row = null;
      }
      row ??= await this.messages.lockByWamid(m, s.phoneNumberId, s.wamid);
      if (!row) {
        await this.messages.keepUnmatchedStatus(m, { wamid: s.wamid, status: s.status, phoneNumberId: s.phoneNumberId, occurredAt: s.occurredAt, error });
        return;
      }
      const entry: HistoryEntry = { status, at: new Date(s.occurredAt).toISOString() };
      if (error) entry.error = error;
      await this.apply(m, row, entry, s.wamid);
    });
  }

  private async apply(m: EntityManager, row: MessageRow, entry: HistoryEntry, wamid: string | null): Promise<void> {
    const next = applyLifecycleEvent({ status: row.status, history: row.history, error: row.error }, entry);
    if (next) {
      await this.messages.saveState(m, row.id, next, wamid);
      row.status = next.status;
      row.history = next.history;
      row.error = next.error;
    } else if (wamid && !row.wamid) {
      await this.messages.setWamid(m, row.id, wamid);
    }
  }

  private async drainParked(m: EntityManager, id: string, phoneNumberId: string, wamid: string): Promise<void> {
    const parked = await this.messages.takeUnmatchedStatuses(m, phoneNumberId, wamid);
    if (parked.length === 0) return;
    const row = (await this.messages.lockById(m, id))!;
    for (const p of parked) {
      if (!isProjectedStatus(p.status)) continue;
      const entry: HistoryEntry = { status: p.status, at: new Date(p.occurred_at).toISOString() };
      if (p.error) entry.error = p.error;
      await this.apply(m, row, entry, wamid);
    }
  }
}
