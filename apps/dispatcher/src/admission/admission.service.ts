import { SETTLED_STATES } from '@wabridge/contracts';
import { injectTraceHeaders, type OutgoingHeaders } from '@wabridge/telemetry';
import { Clock } from '../common/clock';
import { checkCompliance, ContactState, NumberState } from '../compliance/compliance';
import type { Disposition } from '../lifecycle/message-lifecycle';
import { MessageRepository, MessageRow, recipientOf } from '../messages/message.repository';
import { ErrorInfo, WorkItem } from '../messages/work-item';
import { metrics } from '../metrics/dispatcher.metrics';
import { StateStore } from '../state/state.store';
import { mapReferences } from './references';

export interface AdmissionOptions {
  inlineHorizonMs: number;
  reconcileTimeoutMs: number;
  unknownNumberGraceMs: number;
  /**
   * How long after its request a free-form message (from the API or an internal producer, ADR
   * 0135/0219) waits for the contact's window to show open before `outside-window`: it usually
   * answers the inbound message that opened the window, whose `wa.contact.changed.v1` may still
   * be on its way from the contacts service. Default 0.
   */
  windowGraceMs?: number;
}

/** A message that may go now: scheduling gives it its slots next. */
export interface Admitted {
  kind: 'admit';
  /** The copy, its references mapped to wamids. */
  item: WorkItem;
  row: MessageRow;
  number: NumberState;
  /** Resent after an unknown outcome (reconciliation timed out): its portfolio unit was paid. */
  reconciledResend: boolean;
  /** A template outside the window: counts against the messaging limit. */
  businessInitiated: boolean;
  /** The request's own `sendAt` (epoch ms, 0 when none). */
  sendAt: number;
}

/** The state admission reads once per number per batch. */
export interface NumberContext {
  number: NumberState | undefined;
  contacts: Map<string, ContactState>;
  /** Recipients of the group's possibly-marketing templates whose marketing is held: until when (epoch ms). */
  marketingHolds: Map<string, number>;
}

type Repo = Pick<MessageRepository, 'claim' | 'wamidOf'>;
type State = Pick<StateStore, 'number' | 'contacts' | 'templateStatus' | 'marketingHolds' | 'templateCategory'>;

/**
 * The pipeline's first step: is this copy of a message one to work on, and may the message go?
 * Idempotency (the claim; duplicates, settled rows and stale retry copies are skipped),
 * reconciliation of a row left `attempting`, copies back before their time, and the checks made
 * before any Graph call (compliance, the per-user marketing hold, replies to our own ids).
 * It reads state and decides; the lifecycle carries out what it decides.
 */
export class AdmissionService {
  private readonly startedAt: number;

  constructor(
    private readonly repo: Repo,
    private readonly state: State,
    private readonly clock: Clock,
    private readonly options: AdmissionOptions,
    /** True when every status webhook on the topic at that time has been applied (StatusBacklog). */
    private readonly statusesAppliedThrough: (t: number) => Promise<boolean> = async () => true,
  ) {
    this.startedAt = clock.now();
  }

  /**
   * Records the batch's requests (idempotent by id and by tenant + idempotency key) with the
   * trace each came in; returns the current row of each request id (none for a duplicate key).
   */
  claim(items: WorkItem[]): Promise<Map<string, MessageRow>> {
    const traceParents = new Map<string, string>();
    for (const i of items) {
      if (!i.parent) continue;
      const headers: OutgoingHeaders = {};
      injectTraceHeaders(headers, i.parent);
      if (typeof headers['traceparent'] === 'string') traceParents.set(i.request.id, headers['traceparent']);
    }
    return this.repo.claim(items.map((i) => i.request), traceParents);
  }

  /**
   * The number's config, the contacts of a batch's group of items for that number and the
   * marketing holds of its recipients: read concurrently (ADR 0223), one query per tenant for the
   * contacts and one per group for the holds (one per message, awaited in turn, halved the
   * dispatcher's throughput).
   */
  async numberContext(phoneNumberId: string, group: WorkItem[]): Promise<NumberContext> {
    const numberRead = this.state.number(phoneNumberId);
    const tenants = [...new Set(group.map((g) => g.request.tenantId))];
    const contactReads = tenants.map(async (t) => {
      const recips = group.filter((g) => g.request.tenantId === t).map((g) => recipientOf(g.request));
      return [t, await this.state.contacts(t, phoneNumberId, recips)] as const;
    });
    const mayMarket = [...new Set(group.filter((g) => mayBeMarketing(g.request)).map((g) => recipientOf(g.request)))];
    const holdsRead = mayMarket.length === 0
      ? Promise.resolve(new Map<string, number>())
      : numberRead.then((number) => number ? this.state.marketingHolds(number.businessId, mayMarket, this.clock.now()) : new Map<string, number>());
    const [number, perTenant, marketingHolds] = await Promise.all([numberRead, Promise.all(contactReads), holdsRead]);
    const contacts = new Map<string, ContactState>();
    for (const [t, byRecipient] of perTenant) for (const [k, v] of byRecipient) contacts.set(`${t}:${k}`, v);
    return { number, contacts, marketingHolds };
  }

  /** Null: nothing to do (a duplicate copy). A disposition: the message does not go now. */
  async admit(item: WorkItem, row: MessageRow | undefined, ctx: NumberContext): Promise<Admitted | Disposition | null> {
    const req = item.request;
    const now = this.clock.now();
    if (!row) return skip('idempotency-key');
    if (SETTLED_STATES.has(row.status)) return skip('settled');
    if (item.retry && item.retry.version !== row.version) {
      // The copy whose claim moved the row to `attempting` (one version on) is still the live
      // copy: it comes back only when its process died between the claim and the Graph call's
      // outcome, and must then be reconciled, not dropped (the cause of sends left
      // `attempting` forever after a kill -9; ADR 0035).
      const ownAttempt = row.status === 'attempting' && row.version === item.retry.version + 1;
      if (!ownAttempt) return skip('stale-retry');
      metrics.reconciliations.inc({ outcome: 'attempt-redelivered' });
    }
    let reconciledResend = false;
    if (row.status === 'attempting') {
      // Count the timeout from when this process could see status webhooks: after a crash the
      // statuses of the lost calls may still be queued behind the restart.
      const due = Math.max(row.attempted_at?.getTime() ?? now, this.startedAt) + this.options.reconcileTimeoutMs;
      if (due > now) return defer('reconcile', due);
      // Statuses still queued may settle it: look again shortly instead of resending.
      if (!(await this.statusesAppliedThrough(due))) return defer('reconcile', now + 2000, { hop: true });
      reconciledResend = true;
    }
    if (row.status === 'paused' && !item.retry) return skip('held');
    // Back from a tier before its time (tiers are coarse): hop again, keeping any slots it holds.
    if (item.retry && !reconciledResend) {
      const notBefore = Date.parse(item.retry.notBefore);
      if (notBefore > now + this.options.inlineHorizonMs) {
        const { numberSlot, pairSlot, backoffStep, lastError } = item.retry;
        return defer(item.retry.reason, notBefore, { numberSlot, pairSlot, backoffStep, lastError, hop: true });
      }
    }
    const number = ctx.number;
    if (!number) {
      if (now - Date.parse(req.requestedAt) < this.options.unknownNumberGraceMs) return defer('unknown-number', now + 1000);
      return { kind: 'reject', code: 'unknown-number', reason: `no configuration for phone number ${req.phoneNumberId}` };
    }
    const sendAt = req.sendAt ? Date.parse(req.sendAt) : 0;
    if (sendAt > now + this.options.inlineHorizonMs) return defer('send-at', sendAt);

    const recipient = recipientOf(req);
    const template = req.message['template'] as { name?: string; language?: { code?: string } } | undefined;
    const templateStatus = req.type === 'template' ? await this.state.templateStatus(number.wabaId, template?.name, template?.language?.code) : undefined;
    const contact = ctx.contacts.get(`${req.tenantId}:${recipient}`);
    const verdict = checkCompliance({ tenantId: req.tenantId, type: req.type, number, contact, templateStatus, now });
    if (!verdict.ok) {
      if (verdict.hold) return { kind: 'hold', reason: verdict.reason };
      if (verdict.code === 'outside-window') {
        const pending = windowPending(now, Date.parse(req.requestedAt), this.options.windowGraceMs ?? 0);
        if (pending !== null) return defer('window-pending', pending);
      }
      return { kind: 'reject', code: verdict.code, reason: verdict.reason };
    }
    if (mayBeMarketing(req)) {
      // Meta limited this user's marketing (131049) within the last 24 h: a marketing template fails
      // here, no Graph call (ADR 0164). The category is the sender's, else the one learned here.
      const heldUntil = ctx.marketingHolds.get(recipient);
      if (heldUntil !== undefined && heldUntil > now && (req.templateCategory ?? await this.state.templateCategory(number.wabaId, template?.name, template?.language?.code)) === 'MARKETING') {
        return marketingHeld(heldUntil);
      }
    }
    const mapped = await mapReferences(this.repo, req, now);
    if (mapped === 'pending') return defer('transient', now + 2000, { hop: true, lastError: 'the message replied or reacted to is not sent yet' });
    return {
      kind: 'admit', item: mapped ? { ...item, request: mapped } : item, row, number, reconciledResend, businessInitiated: verdict.businessInitiated, sendAt,
    };
  }
}

/**
 * When to look at a closed window again, or null once the grace after the request is over (ADR
 * 0219): after 250 ms, then after as long as the send has waited so far (at most 4 s), and a last
 * time when the grace ends. The window update usually lands within a fraction of a second, so a
 * racing reply is late by little; a send to a window that really is closed is looked at eight
 * times in 15 s.
 */
export function windowPending(now: number, requestedAt: number, graceMs: number): number | null {
  const end = requestedAt + graceMs;
  if (!(now < end)) return null;
  return Math.min(now + Math.min(Math.max(250, now - requestedAt), 4000), end);
}

/** A template whose category the sender did not give as UTILITY or AUTHENTICATION. */
function mayBeMarketing(req: WorkItem['request']): boolean {
  return req.type === 'template' && req.templateCategory !== 'UTILITY' && req.templateCategory !== 'AUTHENTICATION';
}

function skip(why: 'idempotency-key' | 'settled' | 'stale-retry' | 'held'): null {
  metrics.duplicates.inc({ why });
  return null;
}

function defer(reason: Extract<Disposition, { kind: 'defer' }>['reason'], notBefore: number, extra: Extract<Disposition, { kind: 'defer' }>['extra'] = {}): Disposition {
  return { kind: 'defer', reason, notBefore, extra };
}

/** A MARKETING template to a user Meta limited: failed as Meta would fail it (quality, 131049), without calling Graph. */
function marketingHeld(heldUntil: number): Disposition {
  metrics.errors.inc({ class: 'quality', code: '131049', source: 'hold' });
  const error: ErrorInfo = {
    class: 'quality', code: 131049,
    message: `per-user marketing limit: Meta limited marketing to this user (131049); held until ${new Date(heldUntil).toISOString()}, not sent`,
  };
  return { kind: 'fail', error };
}
