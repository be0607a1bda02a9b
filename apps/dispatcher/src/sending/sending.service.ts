import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OutboundRequestedV1 } from '@wabridge/contracts';
import { logger, type Logger as LineLogger, withSpan } from '@wabridge/telemetry';
import { Clock, Random } from '../common/clock';
import { NumberState } from '../compliance/compliance';
import { ErrorSideEffects, FailedSend } from '../errors/error-side-effects';
import type { Disposition } from '../lifecycle/message-lifecycle';
import { recipientOf } from '../messages/message.repository';
import { ErrorInfo } from '../messages/work-item';
import { metrics } from '../metrics/dispatcher.metrics';
import { BackoffPolicy, decide, ErrorDecision } from '../retry/backoff';
import { StateStore } from '../state/state.store';
import { GraphClient, GraphResult } from './graph.client';

export interface SendingOptions {
  /** An unknown outcome waits this long for its status webhook before it may be resent. */
  reconcileTimeoutMs: number;
  backoff: BackoffPolicy;
}

/** A Graph request ready to go: the body and the number's opened token. */
export interface GraphCall {
  number: NumberState;
  accessToken: string;
  body: Record<string, unknown>;
}

/**
 * What Meta's answer means for the message: sent, or the taxonomy's decision (libs/meta
 * `errorAction`, with this dispatcher's delays) and the disposition that carries it out.
 */
export type SendOutcome =
  | { ok: true; wamid: string }
  | { ok: false; error: ErrorInfo; decision: ErrorDecision; disposition: Disposition };

export const TRACER = '@wabridge/dispatcher';

/**
 * The pipeline's third step: builds the Cloud API body, makes the Graph call (a CLIENT span),
 * and maps the answer. The taxonomy's actions beyond retry/fail/pause (marketing holds,
 * template status, alerts; ADR 0164) are applied here, where the error is read.
 */
export class SendingService {
  /** Per-message lines (debug): in the send's trace, with its tenant and message id. */
  private readonly lines: LineLogger = logger('outbound');

  constructor(
    private readonly graph: Pick<GraphClient, 'send'>,
    private readonly state: Pick<StateStore, 'accessToken'>,
    private readonly sideEffects: Pick<ErrorSideEffects, 'apply'>,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly options: SendingOptions,
  ) {}

  /** The body (our id as `biz_opaque_callback_data`) and the number's token. */
  async prepare(req: OutboundRequestedV1, number: NumberState): Promise<GraphCall> {
    const body: Record<string, unknown> = {
      ...req.message,
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...(req.to ? { to: req.to } : { recipient: req.recipient }),
      type: req.type,
      biz_opaque_callback_data: req.id,
    };
    return { number, body, accessToken: await this.state.accessToken(number.phoneNumberId) };
  }

  /** The Graph call for attempt `attempt` (this one included); `backoffStep` is the copy's. */
  async send(call: GraphCall, req: OutboundRequestedV1, attempt: number, backoffStep: number): Promise<SendOutcome> {
    const { number } = call;
    // After the gate: queue delay runs to the Graph call, Graph latency is the call alone.
    const started = this.clock.now();
    metrics.queueDelay.observe(Math.max(0, started - Date.parse(req.requestedAt)) / 1000);
    const result = await this.call(call, req.id, attempt);
    metrics.graphLatency.observe((this.clock.now() - started) / 1000);
    if (this.lines.isLevelEnabled('debug')) {
      this.lines.debug(result.ok ? { wamid: result.wamid, attempt } : { error: { class: result.error.class, code: result.error.code }, attempt }, result.ok ? 'sent to Graph' : 'Graph refused the send');
    }
    if (result.ok) {
      metrics.sends.inc({ phone_number_id: number.phoneNumberId, outcome: 'accepted' });
      return { ok: true, wamid: result.wamid };
    }
    const err = result.error;
    metrics.sends.inc({ phone_number_id: number.phoneNumberId, outcome: err.class });
    metrics.errors.inc({ class: err.class, code: String(err.code ?? err.httpStatus), source: 'graph' });
    await this.sideEffects.apply(err, { businessId: number.businessId, wabaId: number.wabaId, recipient: recipientOf(req), template: req.message['template'] as FailedSend['template'] });
    const decision = decide(err, attempt, backoffStep, this.options.backoff, this.random);
    const error = { class: err.class, code: err.code, message: err.message } as ErrorInfo;
    return { ok: false, error, decision, disposition: this.dispose(decision, err, error, number, attempt) };
  }

  private dispose(decision: ErrorDecision, err: Extract<GraphResult, { ok: false }>['error'], error: ErrorInfo, number: NumberState, attempt: number): Disposition {
    const now = this.clock.now();
    switch (decision.action) {
      case 'retry':
        return {
          kind: 'defer', reason: err.class === 'throttled' ? 'throttled' : 'transient', notBefore: now + decision.delayMs,
          extra: { backoffStep: decision.backoffStep, lastError: `${err.code ?? err.httpStatus}: ${err.message}`, error },
        };
      case 'reconcile':
        // Keep it `attempting`: a status webhook with our id settles it; else retried after the timeout.
        return { kind: 'defer', reason: 'reconcile', notBefore: now + this.options.reconcileTimeoutMs, extra: { keepAttempting: true, lastError: err.message, error } };
      case 'dead-letter':
        return { kind: 'dead-letter', reason: `transient errors after ${attempt} attempt(s)`, error };
      case 'pause-number':
        return { kind: 'pause-number', number, error };
      case 'fail':
        return { kind: 'fail', error, attempt };
    }
  }

  private call(call: GraphCall, messageId: string, attempt: number): Promise<GraphResult> {
    const { number } = call;
    return withSpan('graph.messages send', {
      kind: SpanKind.CLIENT, tracerName: TRACER,
      attributes: { 'server.address': number.graphBaseUrl, 'wabridge.message_id': messageId, 'wabridge.phone_number_id': number.phoneNumberId, 'wabridge.attempt': attempt },
    }, async (span) => {
      const r = await this.graph.send({
        baseUrl: number.graphBaseUrl, version: number.graphApiVersion, phoneNumberId: number.phoneNumberId, accessToken: call.accessToken, body: call.body,
      });
      if (r.ok) span.setAttributes({ 'http.response.status_code': r.httpStatus, 'wabridge.wamid': r.wamid });
      else {
        span.setAttributes({ 'http.response.status_code': r.error.httpStatus, 'error.type': r.error.class, ...(r.error.code !== undefined ? { 'meta.error.code': r.error.code } : {}) });
        span.setStatus({ code: SpanStatusCode.ERROR, message: r.error.message });
      }
      return r;
    });
  }
}
