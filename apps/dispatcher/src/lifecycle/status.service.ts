import { Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { extractTraceContext } from '@wabridge/telemetry';
import { isMetaStatus, nextState, OutboundRequestedV1, StatusUpdatedV1 } from '@wabridge/contracts';
import { Clock } from '../common/clock';
import { errorAction } from '@wabridge/meta';
import { ErrorSideEffects, FailedSend } from '../errors/error-side-effects';
import { classifyMetaError } from '../errors/meta-error-taxonomy';
import { metrics } from '../metrics/dispatcher.metrics';
import { ForwardStatus, MessageRepository, MessageRow } from '../messages/message.repository';
import { MessageLifecycle } from './message-lifecycle';
import { StateStore } from '../state/state.store';

/**
 * Applies Meta's status webhooks to our messages (found by `biz_opaque_callback_data` = our id,
 * else by wamid). Forward only; duplicates and late arrivals change nothing. A status for a
 * message still `attempting` settles a send whose outcome we did not know (reconciliation).
 * Asynchronous failures feed the same taxonomy as synchronous ones.
 */
export class StatusService {
  private readonly log = new Logger('StatusService');
  private readonly sideEffects: ErrorSideEffects;

  constructor(
    private readonly repo: MessageRepository,
    private readonly lifecycle: MessageLifecycle,
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly maxTransientAttempts: number,
  ) {
    this.sideEffects = new ErrorSideEffects(state, clock);
  }

  /**
   * A partition's batch of status webhooks, in order per message (ADR 0127): statuses for
   * different messages that can take the one-statement path are applied together and their
   * events produced together; a second status of a message already in that group, a failure,
   * or a status without our id waits for the group before it, and runs after it.
   */
  async applyBatch(evs: StatusUpdatedV1[]): Promise<void> {
    let group: { ev: StatusUpdatedV1; to: 'sent' | 'delivered' | 'read' | 'played'; id: string }[] = [];
    const inGroup = new Set<string>();
    const flush = async (): Promise<void> => {
      if (group.length === 0) return;
      const g = group;
      group = [];
      inGroup.clear();
      const found = await Promise.all(g.map((x) => this.repo.applyForwardStatus(x.id, x.ev.phoneNumberId, x.to, x.ev.wamid)));
      await Promise.all(g.map((x, i) => (found[i] ? this.told(x.ev, x.to, x.id, found[i]) : undefined)));
      // Not one of our ids: by wamid, in the batch's order.
      for (let i = 0; i < g.length; i += 1) if (!found[i]) await this.applyFull(g[i]!.ev, false);
    };
    for (const ev of evs) {
      if (!isMetaStatus(ev.status)) continue;
      const id = ev.bizOpaqueCallbackData;
      if (ev.status !== 'failed' && id) {
        if (inGroup.has(id)) await flush();
        group.push({ ev, to: ev.status, id });
        inGroup.add(id);
        continue;
      }
      await flush();
      await this.applyFull(ev, true);
    }
    await flush();
  }

  /**
   * The full path: failures (side effects, resends) and statuses without our id, or whose id is
   * not ours (`byId` false: the one-statement path looked already), found by wamid.
   */
  private async applyFull(ev: StatusUpdatedV1, byId: boolean): Promise<void> {
    if (!isMetaStatus(ev.status)) return;
    let row: MessageRow | undefined;
    if (byId && ev.bizOpaqueCallbackData) row = await this.repo.get(ev.bizOpaqueCallbackData);
    if (!row) row = await this.repo.findByWamid(ev.wamid);
    if (!row) return; // not ours (sent by another system on the same number)
    if (row.phone_number_id !== ev.phoneNumberId) return;
    // This status has its own trace (Meta's webhook → ingress → here); link it to the send's.
    const sent = row.trace_parent ? trace.getSpanContext(extractTraceContext({ traceparent: row.trace_parent })) : undefined;
    if (sent) trace.getActiveSpan()?.addLink({ context: sent, attributes: { 'wabridge.message_id': row.id, 'wabridge.status': ev.status } });
    const err = ev.errors?.[0];
    if (ev.status === 'failed' && err) {
      const cls = classifyMetaError(err.code);
      metrics.errors.inc({ class: cls, code: String(err.code), source: 'webhook' });
      if (errorAction(cls, err.code).pauseNumber) await this.state.pauseNumber(row.phone_number_id, `${err.code} ${err.title ?? err.message ?? ''}`.trim());
      // 131049 holds the user for marketing, 132015/132016 mark the template (ADR 0164).
      const number = await this.state.number(row.phone_number_id);
      const request = row.request as OutboundRequestedV1;
      if (number && row.recipient) {
        await this.sideEffects.apply({ class: cls, code: err.code, message: err.title ?? err.message }, {
          businessId: number.businessId, wabaId: number.wabaId, recipient: row.recipient, template: request.message?.['template'] as FailedSend['template'],
        });
      }
      // Meta dropped it after accepting: transient/throttled failures are sent again (bounded).
      if ((cls === 'transient' || cls === 'throttled' || cls === 'auth') && row.attempts < this.maxTransientAttempts && row.status !== 'attempting') {
        const moved = await this.repo.transition(row.id, row.version, 'scheduled', {});
        if (moved !== null) {
          await this.lifecycle.defer({ request: row.request as OutboundRequestedV1 }, { ...row, version: moved, status: 'scheduled' },
            'async-failure', this.clock.now() + 5000, { lastError: `${err.code}` });
        }
        return;
      }
    }
    const to = nextState(row.status, ev.status);
    if (!to) {
      metrics.duplicates.inc({ why: 'status-not-forward' });
      return;
    }
    const error = err ? { class: classifyMetaError(err.code), code: err.code, message: err.title ?? err.message ?? `error ${err.code}` } : undefined;
    const ok = await this.lifecycle.statusApplied(row, to, ev.wamid, error);
    if (!ok) {
      // Raced with another writer: read again and retry once through the transport's retry.
      throw new Error(`status of ${row.id} changed concurrently`);
    }
    if (row.status === 'attempting') metrics.reconciliations.inc({ outcome: 'settled-by-webhook' });
    metrics.statusTransitions.inc({ status: to });
  }

  /** What follows the one statement: the link to the send's trace, the event, the metrics. */
  private async told(ev: StatusUpdatedV1, to: 'sent' | 'delivered' | 'read' | 'played', id: string, r: ForwardStatus): Promise<void> {
    if (r.phoneNumberId !== ev.phoneNumberId) return; // not ours to change
    // This status has its own trace (Meta's webhook → ingress → here); link it to the send's.
    const sent = r.traceParent ? trace.getSpanContext(extractTraceContext({ traceparent: r.traceParent })) : undefined;
    if (sent) trace.getActiveSpan()?.addLink({ context: sent, attributes: { 'wabridge.message_id': id, 'wabridge.status': to } });
    if (!r.applied) {
      metrics.duplicates.inc({ why: 'status-not-forward' });
      return;
    }
    await this.lifecycle.statusEvent({ id, tenantId: r.tenantId!, phoneNumberId: r.phoneNumberId, recipient: r.recipient ?? '' }, to, ev.wamid);
    if (r.fromStatus === 'attempting') metrics.reconciliations.inc({ outcome: 'settled-by-webhook' });
    metrics.statusTransitions.inc({ status: to });
  }
}
