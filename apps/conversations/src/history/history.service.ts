import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { InboundMessageV1, OutboundEventV1, OutboundRequestedV1, StatusUpdatedV1 } from '@wabridge/contracts';
import { counter } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { AutomationOutbox, AutomationService } from '../automations/automation.service';
import { CLOCK } from '../conversations.tokens';
import type { Queryable } from '@wabridge/database';
import { inboundEntry, outboundContent } from './message-content';
import { ContactRef, HistoryRepository } from './history.repository';
import { STATUS_RANK, statusOfEvent, statusOfWebhook } from './history-status';

const skipped = counter<'topic' | 'why'>(
  'conversations_events_skipped_total',
  'Events that add nothing to a history: no_tenant (a number no tenant owns), no_contact (neither wa_id nor user id), not_ours (a status of a message not sent through Wabridge), no_change (a status the history does not show)',
  ['topic', 'why'],
);
const folded = counter<'topic'>('conversations_events_folded_total', 'Events folded into the history (redeliveries included: they change nothing)', ['topic']);

/** Our message ids (ULIDs), as the dispatcher puts them in `biz_opaque_callback_data`. */
const OUR_MESSAGE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** wa_id (digits) or business-scoped user id (`CC.<alnum>`): how a recipient names the contact. */
function contactOf(tenantId: string, phoneNumberId: string, recipient: string): ContactRef {
  return /^\d+$/.test(recipient) ? { tenantId, phoneNumberId, waId: recipient } : { tenantId, phoneNumberId, userId: recipient };
}

/**
 * Folds the four source topics into conversations (ADR 0130). Each consumed batch (one partition,
 * offset order) is written in one transaction; every write is idempotent, so a retried batch,
 * a redelivery or a replay changes nothing, and events of different topics may arrive in any order.
 */
@Injectable()
export class HistoryService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: HistoryRepository,
    private readonly automations: AutomationService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Folds user messages and, for each one folded for the first time, evaluates the number's
   * automation rules (ADR 0133): their commands are published before the transaction commits (a
   * failed publish retries the batch; ids are derived from message and rule, so a second publish
   * changes nothing downstream), forwards start after it committed.
   */
  async inbound(events: InboundMessageV1[]): Promise<void> {
    const out = new AutomationOutbox();
    await this.inTransaction(async (q, now) => {
      for (const ev of events) {
        const tenantId = ev.tenantId;
        if (!tenantId) { skipped.inc({ topic: 'inbound', why: 'no_tenant' }); continue; }
        if (!ev.waId && !ev.userId) { skipped.inc({ topic: 'inbound', why: 'no_contact' }); continue; }
        const entry = inboundEntry(ev, tenantId);
        const conversationId = await this.repo.conversation(q, {
          tenantId, phoneNumberId: ev.phoneNumberId, waId: ev.waId, userId: ev.userId, profileName: ev.profileName,
        }, ev.occurredAt, now);
        const seq = await this.repo.insertInbound(q, {
          tenantId, conversationId, wamid: ev.wamid, type: entry.type, content: entry.content, targetWamid: entry.targetWamid, at: ev.occurredAt, receivedAt: now,
        });
        folded.inc({ topic: 'inbound' });
        if (seq === null) continue; // a redelivery: folded and evaluated before
        if (entry.amendment) await this.repo.applyAmendments(q, tenantId, entry.targetWamid!);
        else {
          const rules = await this.automations.rulesFor(tenantId, ev.phoneNumberId);
          const state = rules.size > 0 ? await this.automations.state(q, tenantId, conversationId) : undefined;
          await this.repo.touchInbound(q, tenantId, conversationId, ev.occurredAt, seq);
          // edits or a revoke that arrived before their original
          await this.repo.applyAmendments(q, tenantId, ev.wamid);
          if (state) await this.automations.evaluate(q, { ev, tenantId, conversationId, state, rules }, now, out);
        }
      }
      await this.automations.publish(out);
    });
    void this.automations.forward(out);
  }

  outboundRequests(events: OutboundRequestedV1[]): Promise<void> {
    return this.inTransaction(async (q, now) => {
      for (const ev of events) {
        const recipient = ev.to ?? ev.recipient;
        if (!recipient) { skipped.inc({ topic: 'requested', why: 'no_contact' }); continue; }
        const contact: ContactRef = { tenantId: ev.tenantId, phoneNumberId: ev.phoneNumberId, waId: ev.to, userId: ev.recipient };
        // a scheduled send takes its place in the chat when it is due, not when it was asked for
        const at = ev.sendAt && ev.sendAt > ev.requestedAt ? ev.sendAt : ev.requestedAt;
        const conversationId = await this.repo.conversation(q, contact, at, now);
        await this.repo.upsertRequested(q, { tenantId: ev.tenantId, conversationId, messageId: ev.id, type: ev.type, content: outboundContent(ev), at, receivedAt: now });
        await this.repo.touch(q, ev.tenantId, conversationId, at);
        folded.inc({ topic: 'requested' });
      }
    });
  }

  outboundEvents(events: OutboundEventV1[]): Promise<void> {
    return this.inTransaction(async (q, now) => {
      for (const ev of events) {
        const status = statusOfEvent(ev.event);
        if (!status) { skipped.inc({ topic: 'outbound_events', why: 'no_change' }); continue; }
        const conversationId = await this.repo.conversation(q, contactOf(ev.tenantId, ev.phoneNumberId, ev.recipient), ev.occurredAt, now);
        await this.repo.upsertStep(q, {
          tenantId: ev.tenantId, conversationId, messageId: ev.id, wamid: ev.wamid, status, rank: STATUS_RANK[status],
          error: ev.error, at: ev.occurredAt, receivedAt: now,
        });
        folded.inc({ topic: 'outbound_events' });
      }
    });
  }

  statuses(events: StatusUpdatedV1[]): Promise<void> {
    return this.inTransaction(async (q, now) => {
      for (const ev of events) {
        const tenantId = ev.tenantId;
        if (!tenantId) { skipped.inc({ topic: 'status', why: 'no_tenant' }); continue; }
        const status = statusOfWebhook(ev.status);
        if (!status) { skipped.inc({ topic: 'status', why: 'no_change' }); continue; }
        const recipient = ev.recipientId ?? ev.recipientUserId;
        if (ev.bizOpaqueCallbackData && OUR_MESSAGE_ID.test(ev.bizOpaqueCallbackData) && recipient) {
          const conversationId = await this.repo.conversation(q, contactOf(tenantId, ev.phoneNumberId, recipient), ev.occurredAt, now);
          await this.repo.upsertStep(q, {
            tenantId, conversationId, messageId: ev.bizOpaqueCallbackData, wamid: ev.wamid, status, rank: STATUS_RANK[status], at: ev.occurredAt, receivedAt: now,
          });
        } else if (!(await this.repo.stepByWamid(q, tenantId, ev.wamid, status, STATUS_RANK[status]))) {
          // sent by another system on the number (no content of ours to show): counted, not kept
          skipped.inc({ topic: 'status', why: 'not_ours' });
          continue;
        }
        folded.inc({ topic: 'status' });
      }
    });
  }

  private inTransaction(work: (q: Queryable, now: Date) => Promise<void>): Promise<void> {
    const now = new Date(this.clock.now());
    return this.ds.transaction((m) => work(m, now));
  }
}
