import { context, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { recordError, runWithLogContext } from '@wabridge/telemetry';
import { AdmissionService, Admitted, NumberContext } from '../admission/admission.service';
import { MessageLifecycle } from '../lifecycle/message-lifecycle';
import { MessageRow, recipientOf } from '../messages/message.repository';
import { WorkItem } from '../messages/work-item';
import { SchedulingService } from '../scheduling/scheduling.service';
import { SendingService, TRACER } from '../sending/sending.service';

export type { WorkItem } from '../messages/work-item';

const tracer = () => trace.getTracer(TRACER);

/**
 * Marks a promise of the batch's rest as handled: it is awaited once every group was admitted,
 * and a rejection before that (Kafka or the database down) must fail the batch, not the process.
 */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) recordError(span, err);
  span.end();
}

/**
 * Runs a partition batch through the pipeline, in one direction:
 * admission → scheduling → sending → lifecycle (docs/adr/0185). Each step decides; the
 * lifecycle alone writes a message's state and tells it. This class only groups, traces and
 * waits: requests are claimed in one round trip, grouped by number (order kept within a
 * number), admitted, given their slots, and sent when their slot comes — concurrently, so a
 * slow number does not hold a fast one. `process` resolves only when every item reached a
 * durable outcome (sent, failed, rejected, held, scheduled or DLQ), so the caller may commit
 * the batch's offsets.
 */
export class OutboundProcessor {
  constructor(
    private readonly admission: AdmissionService,
    private readonly scheduling: SchedulingService,
    private readonly sending: SendingService,
    private readonly lifecycle: MessageLifecycle,
  ) {}

  /**
   * `order` lets a partition's next batch run while this one waits for Graph (ADR 0212): the
   * batch is claimed at once, but admitted (slots booked, in the group's order) only after
   * `order.after` resolves, and `order.admitted` is called once every item of this batch was
   * admitted and scheduled (or the batch failed), so consecutive batches book in offset order.
   */
  async process(items: WorkItem[], order?: { after?: Promise<void>; admitted?: () => void }): Promise<void> {
    let admittedCalled = false;
    const admitted = (): void => {
      if (admittedCalled) return;
      admittedCalled = true;
      order?.admitted?.();
    };
    try {
      if (items.length === 0) return;
      const byNumber = new Map<string, WorkItem[]>();
      for (const item of items) {
        const list = byNumber.get(item.request.phoneNumberId) ?? [];
        list.push(item);
        byNumber.set(item.request.phoneNumberId, list);
      }
      // Each number's state is read while the batch is claimed, not after (ADR 0223): the reads
      // do not depend on the claim, and in turn they were three round trips before any Graph call.
      const contexts = [...byNumber].map(([phoneNumberId, group]) => ({ group, ctx: handled(this.admission.numberContext(phoneNumberId, group)) }));
      const rows = await this.admission.claim(items);
      if (order?.after) await order.after;
      const started = await Promise.allSettled(contexts.map(({ group, ctx }) => this.startNumber(group, ctx, rows)));
      admitted();
      const work = started.map((r) => (r.status === 'fulfilled' ? Promise.all(r.value).then(() => undefined) : Promise.reject(r.reason as Error)));
      const results = await Promise.allSettled(work);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      admitted();
    }
  }

  /** Admits and schedules a number's items in order; returns what is left of them (sends, transitions). */
  private async startNumber(group: WorkItem[], context: Promise<NumberContext>, rows: Map<string, MessageRow>): Promise<Promise<unknown>[]> {
    const pending: Promise<unknown>[] = [];
    try {
      const ctx = await context;
      for (const item of group) await this.start(item, rows.get(item.request.id), ctx, pending);
    } catch (err) {
      // A later item failed (database or Kafka down): the sends already started still run;
      // wait for them so none is left unawaited, then fail the batch (it is read again).
      await Promise.allSettled(pending);
      throw err;
    }
    return pending;
  }

  /**
   * Admits and schedules one item, in the group's order; adds what is left of it (the wait for
   * its slot, the send, the transition) to `pending` without awaiting it, so the group's sends
   * and transitions run concurrently.
   */
  private async start(item: WorkItem, row: MessageRow | undefined, ctx: NumberContext, pending: Promise<unknown>[]): Promise<void> {
    // One span per message from consume to its durable outcome, in the trace of the request
    // (the gateway's POST); the Graph call and the events it emits are its children.
    const topic = item.topic ?? OUTBOUND_REQUESTED_V1.topic;
    const parent = item.parent ?? ROOT_CONTEXT;
    const span = tracer().startSpan(`${topic} process`, {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': topic,
        'wabridge.message_id': item.request.id, 'wabridge.phone_number_id': item.request.phoneNumberId,
        ...(item.retry ? { 'wabridge.retry_reason': item.retry.reason } : {}),
      },
    }, parent);
    const spanCtx = trace.setSpan(parent, span);
    const rest = await context.with(spanCtx, () => runWithLogContext({ tenant_id: item.request.tenantId, message_id: item.request.id }, async () => {
      if (row?.created) pending.push(handled(this.lifecycle.accepted(item.request)));
      return this.admitAndSchedule(item, row, ctx);
    })).catch((err: unknown) => {
      endSpan(span, err);
      throw err;
    });
    pending.push(handled((rest ? rest.pending : Promise.resolve()).then(() => endSpan(span), (err: unknown) => {
      endSpan(span, err);
      throw err;
    })));
  }

  /**
   * admission → scheduling → (at the slot) sending → lifecycle. The rest comes back wrapped: an
   * async function returning a bare promise would be awaited by its caller and serialize the group.
   */
  private async admitAndSchedule(item: WorkItem, row: MessageRow | undefined, ctx: NumberContext): Promise<{ pending: Promise<void> } | null> {
    const admission = await this.admission.admit(item, row, ctx);
    if (admission === null || !row) return null;
    if (admission.kind !== 'admit') return { pending: this.lifecycle.settle(item, row, admission) };
    const plan = await this.scheduling.plan(admission);
    if (plan.kind !== 'at') return { pending: this.lifecycle.settle(admission.item, row, plan) };
    return { pending: this.scheduling.at(plan.dueAt, () => this.send(admission)) };
  }

  private async send({ item, row, number, reconciledResend }: Admitted): Promise<void> {
    const req = item.request;
    const call = await this.sending.prepare(req, number);
    // The gate before the claim, so a claim always goes out at once: a claim left waiting at a
    // throttled number's gate past the reconcile timeout looked lost to the partition's next
    // owner, which resent it while this call still went out (two dispatchers, ADR 0126).
    // Waiting at the gate unclaimed, a copy another owner sends meanwhile loses the claim below.
    await this.scheduling.gate(number);
    const claimed = await this.lifecycle.startAttempt(row, reconciledResend);
    if (!claimed) return;
    const outcome = await this.sending.send(call, req, claimed.attempts, item.retry?.backoffStep ?? 0);
    if (outcome.ok) return this.lifecycle.sent(req, outcome.wamid, claimed.attempts);
    this.scheduling.penalize(number, recipientOf(req), outcome.decision);
    const current: MessageRow = { ...row, version: claimed.version, attempts: claimed.attempts, status: 'attempting' };
    await this.lifecycle.settle(item, current, outcome.disposition);
  }
}
