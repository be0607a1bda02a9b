import { Logger } from '@nestjs/common';
import {
  MessageState, OUTBOUND_DLQ_V1, OUTBOUND_EVENTS_V1, OUTBOUND_RETRY_TIERS, OutboundDeadLetterV1, OutboundEventKind, OutboundEventV1,
  OutboundRequestedV1, OutboundRetryV1, RetryReason, TopicSpec,
} from '@wabridge/contracts';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { Clock } from '../common/clock';
import { NumberState } from '../compliance/compliance';
import { MessageRepository, MessageRow, recipientOf } from '../messages/message.repository';
import { ErrorInfo, WorkItem } from '../messages/work-item';
import { metrics } from '../metrics/dispatcher.metrics';
import { StateStore } from '../state/state.store';

/** What an event about a message names (its key is `phoneNumberId:recipient`). */
export interface MessageRef {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  recipient: string;
}

/** What a deferred copy carries beyond its reason and due time. */
export interface DeferExtra {
  numberSlot?: boolean;
  pairSlot?: boolean;
  backoffStep?: number;
  lastError?: string;
  error?: ErrorInfo;
  /** Keep the row `attempting` (an unknown outcome waits for its status webhook). */
  keepAttempting?: boolean;
  /** A routine hop between tiers: not counted as a retry, no `retry-scheduled` event. */
  hop?: boolean;
}

/**
 * A message that is not sent now, as decided by admission, scheduling or sending; carried out
 * by {@link MessageLifecycle.settle} (row transition and its event together).
 */
export type Disposition =
  | { kind: 'defer'; reason: RetryReason; notBefore: number; extra?: DeferExtra }
  | { kind: 'reject'; code: string; reason: string }
  | { kind: 'hold'; reason: string; error?: ErrorInfo }
  /** `attempt` is set for a failed Graph attempt (the event names it). */
  | { kind: 'fail'; error: ErrorInfo; attempt?: number }
  | { kind: 'dead-letter'; reason: string; error?: ErrorInfo }
  /** Meta refused the number's token or config: pause it and hold the message. */
  | { kind: 'pause-number'; number: NumberState; error: ErrorInfo };

type Repo = Pick<MessageRepository, 'transition' | 'markAttempting' | 'markSent' | 'applyStatus' | 'held'>;
type State = Pick<StateStore, 'pauseNumber' | 'freshStatus'>;
type Producer = Pick<EventProducer, 'send'>;

/**
 * The last step of the pipeline and the only writer of a message's state: every transition of
 * the row goes together with the event that tells it (`wa.outbound.events.v1`), and a wait goes
 * together with the copy that brings the message back (a retry tier) or the dead letter. It
 * calls nothing of the pipeline back: admission, scheduling and sending hand it decisions.
 */
export class MessageLifecycle {
  private readonly log = new Logger('MessageLifecycle');

  constructor(
    private readonly repo: Repo,
    private readonly state: State,
    private readonly producer: Producer,
    private readonly clock: Clock,
  ) {}

  /** A request recorded for the first time (the claim inserted its row). */
  accepted(req: OutboundRequestedV1): Promise<void> {
    return this.emit(req, 'accepted', {});
  }

  /** Right before the Graph call: `attempting`, attempts+1. Null when another copy moved first. */
  async startAttempt(row: MessageRow, reconciledResend: boolean): Promise<{ version: number; attempts: number } | null> {
    const claimed = await this.repo.markAttempting(row.id, row.version, new Date(this.clock.now()));
    if (!claimed) {
      metrics.duplicates.inc({ why: 'lost-claim' });
      return null;
    }
    if (reconciledResend) metrics.reconciliations.inc({ outcome: 'resent-after-timeout' });
    return claimed;
  }

  /** Graph accepted the send. */
  async sent(req: OutboundRequestedV1, wamid: string, attempt: number): Promise<void> {
    await this.repo.markSent(req.id, wamid, new Date(this.clock.now()));
    await this.emit(req, 'sent', { wamid, attempt });
  }

  /** A status webhook moved the message forward (checked by the caller); false when another writer was first. */
  async statusApplied(row: MessageRow, to: MessageState & OutboundEventKind, wamid: string, error?: ErrorInfo): Promise<boolean> {
    if (!(await this.repo.applyStatus(row.id, row.status, to, wamid, to === 'failed' ? error : undefined))) return false;
    await this.emit(row.request, to, { wamid, ...(to === 'failed' && error ? { error } : {}) });
    return true;
  }

  /** A status webhook already applied to the row in one statement (ADR 0127): tell it. */
  statusEvent(message: MessageRef, to: MessageState & OutboundEventKind, wamid: string): Promise<void> {
    return this.emitFor(message, to, { wamid });
  }

  /** Carries out a decision for `row` (the version read last) of `item`. */
  async settle(item: WorkItem, row: MessageRow, d: Disposition): Promise<void> {
    switch (d.kind) {
      case 'defer':
        await this.defer(item, row, d.reason, d.notBefore, d.extra ?? {});
        return;
      case 'reject':
        return this.reject(row, d.code, d.reason);
      case 'hold':
        return this.hold(row, d.reason, d.error);
      case 'fail': {
        const v = await this.repo.transition(row.id, row.version, 'failed', { error: d.error });
        if (v !== null) await this.emit(row.request, 'failed', { error: d.error, ...(d.attempt !== undefined ? { attempt: d.attempt } : {}) });
        return;
      }
      case 'dead-letter':
        return this.deadLetter(row, d.reason, d.error);
      case 'pause-number': {
        const { number, error } = d;
        const paused = await this.state.pauseNumber(number.phoneNumberId, `${error.code ?? ''} ${error.message}`.trim(), number.revision);
        if (!paused) {
          // The config changed since this call was made (new token): try again with it.
          await this.defer(item, row, 'resume', this.clock.now() + 1000, { error });
          return;
        }
        this.log.warn(`number ${number.phoneNumberId} paused after auth/config error ${error.code}: ${error.message}`);
        return this.hold(row, `number paused: ${error.message}`, error);
      }
    }
  }

  /**
   * Writes the message to the retry tier that fits its wait (durable before the offset moves).
   * Returns the version the copy carries, or null when another copy moved the row first.
   */
  async defer(item: WorkItem, row: MessageRow, reason: RetryReason, notBefore: number, extra: DeferExtra): Promise<number | null> {
    const keep = extra.keepAttempting ?? (row.status === 'attempting' && reason === 'reconcile');
    const version = await this.repo.transition(row.id, row.version, keep ? 'attempting' : 'scheduled', { notBefore: new Date(notBefore) });
    if (version === null) {
      metrics.duplicates.inc({ why: 'lost-claim' });
      return null;
    }
    const now = this.clock.now();
    const retry: OutboundRetryV1 = Object.assign(new OutboundRetryV1(), {
      request: item.request, version, attempts: row.attempts, notBefore: new Date(notBefore).toISOString(), reason,
      numberSlot: extra.numberSlot ?? (reason === 'rate-pair' ? item.retry?.numberSlot : undefined),
      pairSlot: extra.pairSlot, backoffStep: extra.backoffStep ?? item.retry?.backoffStep, lastError: extra.lastError,
      scheduledAt: new Date(now).toISOString(),
    });
    if (!extra.hop) metrics.retries.inc({ reason });
    await this.producer.send(contractEvent(tierFor(notBefore - now), item.request.phoneNumberId, retry, { tenantId: item.request.tenantId }));
    // Throughput waits and waits for our own state to catch up (a number's config, a contact's
    // window) are routine; only tell the customer about waits caused by errors or holds.
    if (!extra.hop && reason !== 'rate-number' && reason !== 'unknown-number' && reason !== 'window-pending') {
      await this.emit(item.request, 'retry-scheduled', { notBefore: retry.notBefore, attempt: row.attempts, error: extra.error });
    }
    return version;
  }

  /** Re-queues a resumed number's held messages through the shortest retry tier. */
  async resumeHeld(phoneNumberId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const held = await this.repo.held(phoneNumberId, 1000);
      if (held.length === 0) return total;
      for (const row of held) await this.defer({ request: row.request }, row, 'resume', this.clock.now(), {});
      total += held.length;
      if (held.length < 1000) return total;
    }
  }

  private async reject(row: MessageRow, code: string, reason: string): Promise<void> {
    metrics.rejected.inc({ reason: code });
    const error: ErrorInfo = { class: 'compliance', message: `${code}: ${reason}` };
    const v = await this.repo.transition(row.id, row.version, 'rejected', { error });
    if (v !== null) await this.emit(row.request, 'rejected', { error });
  }

  private async hold(row: MessageRow, reason: string, error?: ErrorInfo): Promise<void> {
    const held: ErrorInfo = error ?? { class: 'auth', message: reason };
    const v = await this.repo.transition(row.id, row.version, 'paused', { error: held });
    if (v === null) return;
    metrics.heldMessages.inc();
    // A visible wait: the customer sees why the message is not going out (no due time: it goes
    // when the number's configuration is fixed).
    await this.emit(row.request, 'retry-scheduled', { attempt: row.attempts, error: { ...held, message: held.message.startsWith('number paused') ? held.message : `number paused: ${held.message}` } });
    // A resume may have re-queued the held messages just before this one was held: look again.
    if ((await this.state.freshStatus(row.phone_number_id)) === 'active') {
      await this.defer({ request: row.request }, { ...row, version: v, status: 'paused' }, 'resume', this.clock.now(), {});
    }
  }

  private async deadLetter(row: MessageRow, reason: string, error?: ErrorInfo): Promise<void> {
    const v = await this.repo.transition(row.id, row.version, 'failed', { error });
    if (v === null) return;
    const dl: OutboundDeadLetterV1 = Object.assign(new OutboundDeadLetterV1(), {
      request: row.request, reason, error, attempts: row.attempts, deadLetteredAt: new Date(this.clock.now()).toISOString(),
    });
    await this.producer.send(contractEvent(OUTBOUND_DLQ_V1, row.phone_number_id, dl, { tenantId: row.request.tenantId }));
    metrics.dlq.inc();
    await this.emit(row.request, 'dead-lettered', { error, attempt: row.attempts });
  }

  private emit(req: OutboundRequestedV1, event: OutboundEventKind, extra: Partial<OutboundEventV1>): Promise<void> {
    return this.emitFor({ id: req.id, tenantId: req.tenantId, phoneNumberId: req.phoneNumberId, recipient: recipientOf(req) }, event, extra);
  }

  private emitFor(m: MessageRef, event: OutboundEventKind, extra: Partial<OutboundEventV1>): Promise<void> {
    const value: OutboundEventV1 = Object.assign(new OutboundEventV1(), {
      id: m.id, tenantId: m.tenantId, phoneNumberId: m.phoneNumberId, recipient: m.recipient, event,
      occurredAt: new Date(this.clock.now()).toISOString(), ...extra,
    });
    return this.producer.send(contractEvent(OUTBOUND_EVENTS_V1, `${m.phoneNumberId}:${m.recipient}`, value, { tenantId: m.tenantId }));
  }
}

/** The longest tier not longer than the wait (the shortest for waits under it). */
export function tierFor(waitMs: number): TopicSpec {
  let chosen = OUTBOUND_RETRY_TIERS[0]!;
  for (const t of OUTBOUND_RETRY_TIERS) if (t.delayMs <= waitMs) chosen = t;
  return chosen.spec;
}
