import { Logger } from '@nestjs/common';
import { context, type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { injectTraceHeaders, logger, type Logger as LineLogger, type OutgoingHeaders, recordError, runWithLogContext, withSpan } from '@wabridge/telemetry';
import {
  ErrorClassName, OUTBOUND_DLQ_V1, OUTBOUND_REQUESTED_V1, OUTBOUND_EVENTS_V1, OUTBOUND_RETRY_TIERS, OutboundDeadLetterV1, OutboundEventKind, OutboundEventV1,
  OutboundRequestedV1, OutboundRetryV1, RetryReason, FINAL_STATES, SETTLED_STATES, TopicSpec,
} from '@wabridge/contracts';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { Clock, Random } from '../common/clock';
import { checkCompliance, ContactState, NumberState, tierLimit } from '../compliance/compliance';
import { NumberRateLimiter } from '../limits/number-rate-limiter';
import { PairLimiter } from '../limits/pair-limiter';
import { metrics } from '../metrics/dispatcher.metrics';
import { ErrorSideEffects, FailedSend } from '../errors/error-side-effects';
import { BackoffPolicy, decide } from '../retry/backoff';
import { StateStore } from '../state/state.store';
import { GraphClient } from './graph.client';
import { MessageRepository, MessageRow, recipientOf } from './message.repository';

export interface WorkItem {
  request: OutboundRequestedV1;
  /** Present when the item came from a retry tier. */
  retry?: OutboundRetryV1;
  /** Trace context from the Kafka headers (the gateway's request, or our own earlier attempt). */
  parent?: Context;
  /** Topic it was consumed from (span names). */
  topic?: string;
}

export interface ProcessorOptions {
  inlineHorizonMs: number;
  /** Off only for raw-throughput benchmarks. */
  rateLimits?: boolean;
  reconcileTimeoutMs: number;
  unknownNumberGraceMs: number;
  /**
   * How long a free-form command from an internal producer (source `kafka`, e.g. an automated
   * reply, ADR 0135) waits for the contact's window to show open before `outside-window`: it
   * answers the inbound message that opened the window, whose `wa.contact.changed.v1` may still
   * be on its way from the contacts service. Default 0.
   */
  windowGraceMs?: number;
  backoff: BackoffPolicy;
}

type ErrorInfo = { class: ErrorClassName; code?: number; message: string };

const TRACER = '@wabridge/dispatcher';
const tracer = () => trace.getTracer(TRACER);

function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) recordError(span, err);
  span.end();
}

/**
 * One partition batch at a time: requests are claimed in one round trip, grouped by number
 * (order kept within a number), checked, given limiter slots, and sent when their slot comes
 * — concurrently, so a slow number does not hold a fast one. Anything that must wait longer
 * than the inline horizon is written to a retry tier instead. `process` resolves only when
 * every item reached a durable outcome (sent, failed, rejected, held, scheduled or DLQ), so
 * the caller may commit the batch's offsets.
 */
export class OutboundProcessor {
  private readonly log = new Logger('OutboundProcessor');
  /** Per-message lines (debug): in the send's trace, with its tenant and message id. */
  private readonly lines: LineLogger = logger('outbound');
  private readonly startedAt: number;
  /** The taxonomy's actions beyond retry/fail/pause: marketing holds, template status, alerts (ADR 0164). */
  private readonly sideEffects: ErrorSideEffects;

  constructor(
    private readonly repo: MessageRepository,
    private readonly state: StateStore,
    private readonly graph: GraphClient,
    private readonly producer: EventProducer,
    private readonly numberLimiter: NumberRateLimiter,
    private readonly pairLimiter: PairLimiter,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly options: ProcessorOptions,
    private readonly statusesAppliedThrough: (t: number) => Promise<boolean> = async () => true,
  ) {
    this.startedAt = clock.now();
    this.sideEffects = new ErrorSideEffects(state, clock);
  }

  async process(items: WorkItem[]): Promise<void> {
    if (items.length === 0) return;
    const traceParents = new Map<string, string>();
    for (const i of items) {
      if (!i.parent) continue;
      const headers: OutgoingHeaders = {};
      injectTraceHeaders(headers, i.parent);
      if (typeof headers['traceparent'] === 'string') traceParents.set(i.request.id, headers['traceparent']);
    }
    const rows = await this.repo.claim(items.map((i) => i.request), traceParents);
    const byNumber = new Map<string, WorkItem[]>();
    for (const item of items) {
      const list = byNumber.get(item.request.phoneNumberId) ?? [];
      list.push(item);
      byNumber.set(item.request.phoneNumberId, list);
    }
    const work: Promise<void>[] = [];
    for (const [phoneNumberId, group] of byNumber) work.push(this.processNumber(phoneNumberId, group, rows));
    const results = await Promise.allSettled(work);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async processNumber(phoneNumberId: string, group: WorkItem[], rows: Map<string, MessageRow>): Promise<void> {
    const sends: Promise<unknown>[] = [];
    const emits: Promise<void>[] = [];
    const number = await this.state.number(phoneNumberId);
    const tenants = new Set(group.map((g) => g.request.tenantId));
    const contacts = new Map<string, ContactState>();
    for (const t of tenants) {
      const recips = group.filter((g) => g.request.tenantId === t).map((g) => recipientOf(g.request));
      for (const [k, v] of await this.state.contacts(t, phoneNumberId, recips)) contacts.set(`${t}:${k}`, v);
    }
    try {
      await this.prepareAll(phoneNumberId, group, rows, number, contacts, sends, emits);
    } catch (err) {
      // A later prepare failed (database or Kafka down): the sends already started still run;
      // wait for them so none is left unawaited, then fail the batch (it is read again).
      await Promise.allSettled([...sends, ...emits]);
      throw err;
    }
    await Promise.all([...sends, ...emits]);
  }

  private async prepareAll(
    phoneNumberId: string, group: WorkItem[], rows: Map<string, MessageRow>, number: NumberState | undefined,
    contacts: Map<string, ContactState>, sends: Promise<unknown>[], emits: Promise<void>[],
  ): Promise<void> {
    for (const item of group) {
      const row = rows.get(item.request.id);
      // One span per message from consume to its durable outcome, in the trace of the request
      // (the gateway's POST); the Graph call and the events it emits are its children.
      const topic = item.topic ?? OUTBOUND_REQUESTED_V1.topic;
      const parent = item.parent ?? ROOT_CONTEXT;
      const span = tracer().startSpan(`${topic} process`, {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': topic,
          'wabridge.message_id': item.request.id, 'wabridge.phone_number_id': phoneNumberId, ...(item.retry ? { 'wabridge.retry_reason': item.retry.reason } : {}),
        },
      }, parent);
      const ctx = trace.setSpan(parent, span);
      // prepare() hands back the pending send wrapped: an async function returning a bare
      // promise would be awaited here and serialize the sends.
      const outcome = await context.with(ctx, () => runWithLogContext({ tenant_id: item.request.tenantId, message_id: item.request.id }, async () => {
        if (row?.created) emits.push(this.emit(item.request, 'accepted', {}));
        return this.prepare(item, row, number, contacts.get(`${item.request.tenantId}:${recipientOf(item.request)}`));
      })).catch((err: unknown) => {
        endSpan(span, err);
        throw err;
      });
      sends.push((outcome ? outcome.send : Promise.resolve()).then(() => endSpan(span), (err: unknown) => {
        endSpan(span, err);
        throw err;
      }));
    }
  }

  /** Everything up to the send; returns the pending send (if any). */
  private async prepare(item: WorkItem, row: MessageRow | undefined, number: NumberState | undefined, contact: ContactState | undefined): Promise<{ send: Promise<unknown> } | null> {
    const req = item.request;
    const now = this.clock.now();
    if (!row) {
      metrics.duplicates.inc({ why: 'idempotency-key' });
      return null;
    }
    if (SETTLED_STATES.has(row.status)) {
      metrics.duplicates.inc({ why: 'settled' });
      return null;
    }
    if (item.retry && item.retry.version !== row.version) {
      // The copy whose claim moved the row to `attempting` (one version on) is still the live
      // copy: it comes back only when its process died between the claim and the Graph call's
      // outcome, and must then be reconciled, not dropped (the cause of sends left
      // `attempting` forever after a kill -9; ADR 0035).
      const ownAttempt = row.status === 'attempting' && row.version === item.retry.version + 1;
      if (!ownAttempt) {
        metrics.duplicates.inc({ why: 'stale-retry' });
        return null;
      }
      metrics.reconciliations.inc({ outcome: 'attempt-redelivered' });
    }
    let reconciledResend = false;
    if (row.status === 'attempting') {
      // Count the timeout from when this process could see status webhooks: after a crash the
      // statuses of the lost calls may still be queued behind the restart.
      const due = Math.max(row.attempted_at?.getTime() ?? now, this.startedAt) + this.options.reconcileTimeoutMs;
      if (due > now) return { send: this.defer(item, row, 'reconcile', due, {}) };
      // Statuses still queued may settle it: look again shortly instead of resending.
      if (!(await this.statusesAppliedThrough(due))) {
        return { send: this.defer(item, row, 'reconcile', now + 2000, { hop: true }) };
      }
      reconciledResend = true;
    }
    if (row.status === 'paused' && !item.retry) {
      metrics.duplicates.inc({ why: 'held' });
      return null;
    }
    // Back from a tier before its time (tiers are coarse): hop again, keeping any slots it holds.
    if (item.retry && !reconciledResend) {
      const notBefore = Date.parse(item.retry.notBefore);
      if (notBefore > now + this.options.inlineHorizonMs) {
        return { send: this.defer(item, row, item.retry.reason, notBefore, {
          numberSlot: item.retry.numberSlot, pairSlot: item.retry.pairSlot, backoffStep: item.retry.backoffStep,
          lastError: item.retry.lastError, hop: true,
        }) };
      }
    }
    if (!number) {
      if (now - Date.parse(req.requestedAt) < this.options.unknownNumberGraceMs) return { send: this.defer(item, row, 'unknown-number', now + 1000, {}) };
      return { send: this.reject(row, 'unknown-number', `no configuration for phone number ${req.phoneNumberId}`) };
    }
    const sendAt = req.sendAt ? Date.parse(req.sendAt) : 0;
    if (sendAt > now + this.options.inlineHorizonMs) return { send: this.defer(item, row, 'send-at', sendAt, {}) };

    const recipient = recipientOf(req);
    const template = req.message['template'] as { name?: string; language?: { code?: string } } | undefined;
    const templateStatus = req.type === 'template' ? await this.state.templateStatus(number.wabaId, template?.name, template?.language?.code) : undefined;
    const verdict = checkCompliance({ tenantId: req.tenantId, type: req.type, number, contact, templateStatus, now });
    if (!verdict.ok) {
      if (verdict.hold) return { send: this.hold(row, verdict.reason) };
      if (verdict.code === 'outside-window' && req.source === 'kafka' && now - Date.parse(req.requestedAt) < (this.options.windowGraceMs ?? 0)) {
        return { send: this.defer(item, row, 'window-pending', now + 1000, {}) };
      }
      return { send: this.reject(row, verdict.code, verdict.reason) };
    }
    if (req.type === 'template' && req.templateCategory !== 'UTILITY' && req.templateCategory !== 'AUTHENTICATION') {
      // Meta limited this user's marketing (131049) within the last 24 h: a marketing template fails
      // here, no Graph call (ADR 0164). The category is the sender's, else the one learned here.
      const heldUntil = await this.state.marketingHeldUntil(number.businessId, recipient, now);
      if (heldUntil !== undefined && (req.templateCategory ?? await this.state.templateCategory(number.wabaId, template?.name, template?.language?.code)) === 'MARKETING') {
        return { send: this.failMarketingHeld(row, heldUntil) };
      }
    }
    const mapped = await this.mapReferences(req, now);
    if (mapped === 'pending') {
      return { send: this.defer(item, row, 'transient', now + 2000, { hop: true, lastError: 'the message replied or reacted to is not sent yet' }) };
    }
    if (mapped) item = { ...item, request: mapped };
    if (verdict.businessInitiated && Number.isFinite(tierLimit(number.tier)) && !reconciledResend) {
      const ok = await this.state.reachPortfolio(number.businessId, recipient, tierLimit(number.tier), now);
      if (!ok) return { send: this.defer(item, row, 'messaging-limit', now + 15 * 60_000, {}) };
    }

    // Limits: the number's slot first, then the pair's. A slot carried by a retry was paid for.
    const horizon = now + this.options.inlineHorizonMs;
    if (this.options.rateLimits === false) {
      return { send: this.sendAt(Math.max(sendAt, now), () => this.send(item, row, number, reconciledResend)) };
    }
    let numberDue = now;
    // A slot booked earlier is used even when its copy comes back late (a late slot re-booked
    // would be lost throughput); the gate in send() spreads what arrives bunched.
    const slotBooked = item.retry?.numberSlot === true;
    if (!slotBooked) {
      numberDue = this.numberLimiter.reserve(number.phoneNumberId, number.mps);
      if (numberDue > horizon) return { send: this.defer(item, row, 'rate-number', numberDue, { numberSlot: true }) };
    }
    let pairDue = now;
    if (!item.retry?.pairSlot) {
      pairDue = this.pairLimiter.reserve(number.phoneNumberId, recipient);
      if (pairDue > horizon) {
        if (!slotBooked) this.numberLimiter.release(number.phoneNumberId, number.mps);
        return { send: this.defer(item, row, 'rate-pair', pairDue, { pairSlot: true }) };
      }
    }
    const dueAt = Math.max(numberDue, pairDue, sendAt, item.retry ? Date.parse(item.retry.notBefore) : 0);
    return { send: this.sendAt(dueAt, () => this.send(item, row, number, reconciledResend)) };
  }

  /**
   * Meta takes a wamid in `context.message_id` and `reaction.message_id`; our API hands out our
   * own ids, so a reply or reaction may name one of those. Mapped to its wamid here (same
   * tenant only). Null when nothing to map; 'pending' while the named message is not sent yet
   * (for at most REFERENCE_WAIT_MS, then it goes as given and Meta's answer decides).
   */
  private async mapReferences(req: OutboundRequestedV1, now: number): Promise<OutboundRequestedV1 | 'pending' | null> {
    const message = req.message;
    const fields = req.type === 'reaction' ? (['context', 'reaction'] as const) : (['context'] as const);
    let out: Record<string, unknown> | null = null;
    for (const field of fields) {
      const ref = message[field] as { message_id?: unknown } | undefined;
      if (!ref || typeof ref.message_id !== 'string' || !OUR_ID.test(ref.message_id)) continue;
      const found = await this.repo.wamidOf(req.tenantId, ref.message_id);
      if (!found) continue; // not one of this tenant's messages: sent as given
      if (found.wamid) {
        out = { ...(out ?? message), [field]: { ...ref, message_id: found.wamid } };
      } else if (!FINAL_STATES.has(found.status) && now - Date.parse(req.requestedAt) < REFERENCE_WAIT_MS) {
        return 'pending';
      }
    }
    return out ? Object.assign(new OutboundRequestedV1(), { ...req, message: out }) : null;
  }

  private sendAt(dueAt: number, fn: () => Promise<void>): Promise<void> {
    const wait = dueAt - this.clock.now();
    if (wait <= 0) return fn();
    return new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        fn().then(resolve, reject);
      }, wait);
    });
  }

  private async send(item: WorkItem, row: MessageRow, number: NumberState, reconciledResend: boolean): Promise<void> {
    const req = item.request;
    const claimed = await this.repo.markAttempting(row.id, row.version, new Date(this.clock.now()));
    if (!claimed) {
      metrics.duplicates.inc({ why: 'lost-claim' });
      return;
    }
    if (reconciledResend) metrics.reconciliations.inc({ outcome: 'resent-after-timeout' });
    const body: Record<string, unknown> = {
      ...req.message,
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...(req.to ? { to: req.to } : { recipient: req.recipient }),
      type: req.type,
      biz_opaque_callback_data: req.id,
    };
    const token = await this.state.accessToken(number.phoneNumberId);
    if (this.options.rateLimits !== false) {
      const gateWait = this.numberLimiter.gate(number.phoneNumberId, number.mps) - this.clock.now();
      metrics.gateWait.observe(Math.max(0, gateWait) / 1000);
      if (gateWait > 0) await new Promise((resolve) => setTimeout(resolve, gateWait));
    }
    // After the gate: queue delay runs to the Graph call, Graph latency is the call alone.
    const started = this.clock.now();
    metrics.queueDelay.observe(Math.max(0, started - Date.parse(req.requestedAt)) / 1000);
    const result = await withSpan('graph.messages send', {
      kind: SpanKind.CLIENT, tracerName: TRACER,
      attributes: { 'server.address': number.graphBaseUrl, 'wabridge.message_id': req.id, 'wabridge.phone_number_id': number.phoneNumberId, 'wabridge.attempt': claimed.attempts },
    }, async (span) => {
      const r = await this.graph.send({
        baseUrl: number.graphBaseUrl, version: number.graphApiVersion, phoneNumberId: number.phoneNumberId, accessToken: token, body,
      });
      if (r.ok) span.setAttributes({ 'http.response.status_code': r.httpStatus, 'wabridge.wamid': r.wamid });
      else {
        span.setAttributes({ 'http.response.status_code': r.error.httpStatus, 'error.type': r.error.class, ...(r.error.code !== undefined ? { 'meta.error.code': r.error.code } : {}) });
        span.setStatus({ code: SpanStatusCode.ERROR, message: r.error.message });
      }
      return r;
    });
    metrics.graphLatency.observe((this.clock.now() - started) / 1000);
    if (this.lines.isLevelEnabled('debug')) {
      this.lines.debug(result.ok ? { wamid: result.wamid, attempt: claimed.attempts } : { error: { class: result.error.class, code: result.error.code }, attempt: claimed.attempts }, result.ok ? 'sent to Graph' : 'Graph refused the send');
    }
    const current = { ...row, version: claimed.version, attempts: claimed.attempts, status: 'attempting' as const };
    if (result.ok) {
      metrics.sends.inc({ phone_number_id: number.phoneNumberId, outcome: 'accepted' });
      await this.repo.markSent(row.id, result.wamid, new Date(this.clock.now()));
      await this.emit(req, 'sent', { wamid: result.wamid, attempt: claimed.attempts });
      return;
    }
    const err = result.error;
    metrics.sends.inc({ phone_number_id: number.phoneNumberId, outcome: err.class });
    metrics.errors.inc({ class: err.class, code: String(err.code ?? err.httpStatus), source: 'graph' });
    await this.sideEffects.apply(err, { businessId: number.businessId, wabaId: number.wabaId, recipient: recipientOf(req), template: req.message['template'] as FailedSend['template'] });
    const decision = decide(err, claimed.attempts, item.retry?.backoffStep ?? 0, this.options.backoff, this.random);
    const info = { class: err.class, code: err.code, message: err.message } as ErrorInfo;
    const now = this.clock.now();
    switch (decision.action) {
      case 'retry':
        if (decision.scope === 'number') this.numberLimiter.penalize(number.phoneNumberId, number.mps, decision.delayMs);
        if (decision.scope === 'pair') this.pairLimiter.penalize(number.phoneNumberId, recipientOf(req), decision.delayMs);
        await this.defer(item, current, err.class === 'throttled' ? 'throttled' : 'transient', now + decision.delayMs,
          { backoffStep: decision.backoffStep, lastError: `${err.code ?? err.httpStatus}: ${err.message}`, error: info });
        return;
      case 'reconcile':
        // Keep it `attempting`: a status webhook with our id settles it; else retried after the timeout.
        await this.defer(item, { ...current, version: claimed.version }, 'reconcile', now + this.options.reconcileTimeoutMs,
          { keepAttempting: true, lastError: err.message, error: info });
        return;
      case 'dead-letter':
        await this.deadLetter(current, `transient errors after ${claimed.attempts} attempt(s)`, info);
        return;
      case 'pause-number': {
        const paused = await this.state.pauseNumber(number.phoneNumberId, `${err.code ?? ''} ${err.message}`.trim(), number.revision);
        if (!paused) {
          // The config changed since this call was made (new token): try again with it.
          await this.defer(item, current, 'resume', now + 1000, { error: info });
          return;
        }
        this.log.warn(`number ${number.phoneNumberId} paused after auth/config error ${err.code}: ${err.message}`);
        await this.hold(current, `number paused: ${err.message}`, info);
        return;
      }
      case 'fail': {
        const v = await this.repo.transition(row.id, claimed.version, 'failed', { error: info });
        if (v !== null) await this.emit(req, 'failed', { error: info, attempt: claimed.attempts });
        return;
      }
    }
  }

  /**
   * Writes the message to the retry tier that fits its wait (durable before the offset moves).
   * Returns the version the copy carries, or null when another copy moved the row first.
   */
  async defer(
    item: WorkItem,
    row: MessageRow,
    reason: RetryReason,
    notBefore: number,
    extra: { numberSlot?: boolean; pairSlot?: boolean; backoffStep?: number; lastError?: string; error?: ErrorInfo; keepAttempting?: boolean; hop?: boolean },
  ): Promise<number | null> {
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
    const tier = tierFor(notBefore - now);
    await this.producer.send(contractEvent(tier, item.request.phoneNumberId, retry, { tenantId: item.request.tenantId }));
    // Throughput waits are routine; only tell the customer about waits caused by errors or holds.
    if (!extra.hop && reason !== 'rate-number' && reason !== 'unknown-number') {
      await this.emit(item.request, 'retry-scheduled', { notBefore: retry.notBefore, attempt: row.attempts, error: extra.error });
    }
    return version;
  }

  private async reject(row: MessageRow, code: string, reason: string): Promise<null> {
    metrics.rejected.inc({ reason: code });
    const error = { class: 'compliance', message: `${code}: ${reason}` } as ErrorInfo;
    const v = await this.repo.transition(row.id, row.version, 'rejected', { error });
    if (v !== null) await this.emit(row.request, 'rejected', { error });
    return null;
  }

  /** A MARKETING template to a user Meta limited: failed as Meta would fail it (quality, 131049), without calling Graph. */
  private async failMarketingHeld(row: MessageRow, heldUntil: number): Promise<null> {
    metrics.errors.inc({ class: 'quality', code: '131049', source: 'hold' });
    const error = {
      class: 'quality', code: 131049,
      message: `per-user marketing limit: Meta limited marketing to this user (131049); held until ${new Date(heldUntil).toISOString()}, not sent`,
    } as ErrorInfo;
    const v = await this.repo.transition(row.id, row.version, 'failed', { error });
    if (v !== null) await this.emit(row.request, 'failed', { error });
    return null;
  }

  private async hold(row: MessageRow, reason: string, error?: ErrorInfo): Promise<null> {
    const held = error ?? { class: 'auth', message: reason } as ErrorInfo;
    const v = await this.repo.transition(row.id, row.version, 'paused', { error: held });
    if (v === null) return null;
    metrics.heldMessages.inc();
    // A visible wait: the customer sees why the message is not going out (no due time: it goes
    // when the number's configuration is fixed).
    await this.emit(row.request, 'retry-scheduled', { attempt: row.attempts, error: { ...held, message: held.message.startsWith('number paused') ? held.message : `number paused: ${held.message}` } });
    // A resume may have re-queued the held messages just before this one was held: look again.
    if ((await this.state.freshStatus(row.phone_number_id)) === 'active') {
      await this.defer({ request: row.request }, { ...row, version: v, status: 'paused' }, 'resume', this.clock.now(), {});
    }
    return null;
  }

  async deadLetter(row: MessageRow, reason: string, error?: ErrorInfo): Promise<void> {
    const v = await this.repo.transition(row.id, row.version, 'failed', { error });
    if (v === null) return;
    const dl: OutboundDeadLetterV1 = Object.assign(new OutboundDeadLetterV1(), {
      request: row.request, reason, error, attempts: row.attempts, deadLetteredAt: new Date(this.clock.now()).toISOString(),
    });
    await this.producer.send(contractEvent(OUTBOUND_DLQ_V1, row.phone_number_id, dl, { tenantId: row.request.tenantId }));
    metrics.dlq.inc();
    await this.emit(row.request, 'dead-lettered', { error, attempt: row.attempts });
  }

  /** Re-queues a resumed number's held messages through the shortest retry tier. */
  async resumeHeld(phoneNumberId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const held = await this.repo.held(phoneNumberId, 1000);
      if (held.length === 0) return total;
      for (const row of held) {
        await this.defer({ request: row.request }, row, 'resume', this.clock.now(), {});
      }
      total += held.length;
      if (held.length < 1000) return total;
    }
  }

  emit(req: OutboundRequestedV1, event: OutboundEventKind, extra: Partial<OutboundEventV1>): Promise<void> {
    const value: OutboundEventV1 = Object.assign(new OutboundEventV1(), {
      id: req.id, tenantId: req.tenantId, phoneNumberId: req.phoneNumberId, recipient: recipientOf(req), event,
      occurredAt: new Date(this.clock.now()).toISOString(), ...extra,
    });
    return this.producer.send(contractEvent(OUTBOUND_EVENTS_V1, `${req.phoneNumberId}:${recipientOf(req)}`, value, { tenantId: req.tenantId }));
  }
}

/** Our message ids are ULIDs; Meta's wamids never look like one. */
const OUR_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** How long a reply waits for the message it names to be sent before going as given. */
const REFERENCE_WAIT_MS = 10 * 60_000;

/** The longest tier not longer than the wait (the shortest for waits under it). */
export function tierFor(waitMs: number): TopicSpec {
  let chosen = OUTBOUND_RETRY_TIERS[0]!;
  for (const t of OUTBOUND_RETRY_TIERS) if (t.delayMs <= waitMs) chosen = t;
  return chosen.spec;
}
