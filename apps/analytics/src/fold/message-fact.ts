import type { OutboundEventV1, OutboundRequestedV1, StatusUpdatedV1 } from '@wabridge/contracts';
import { LatencyPair } from './latency-sketch';
import { marketOf, parsePricing } from './pricing';

export const MILESTONES = ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected'] as const;
export type Milestone = (typeof MILESTONES)[number];

/**
 * What analytics remembers of one outbound message (ADR 0120): when each milestone happened
 * (ms since epoch) and the facts that shape its buckets. Each group of fields is written once,
 * by the first event that carries it; a redelivered, replayed or older event finds it written
 * and changes nothing.
 */
export interface MessageFact {
  tenantId: string;
  messageKey: string;
  phoneNumberId: string;
  recipient?: string;
  wamid?: string;
  at: Partial<Record<Milestone, number>>;
  error?: { class: string; code?: number; title?: string };
  template?: { name: string; language: string };
  /** The campaign the send command named (ADR 0155): its charge is also counted per campaign. */
  campaignId?: string;
  pricing?: { at: number; model: string; category: string; type: string; billable: boolean; billingUnit?: string; market: string };
}

/** One event's contribution to a fact (same shape, only what the event knows). */
export type Observation = MessageFact;

const ms = (iso: string): number => Date.parse(iso);

/** Our lifecycle (the dispatcher's status machine). Delivered/read come from Meta's statuses instead (their own time). */
export function observeOutbound(ev: OutboundEventV1): Observation {
  const o: Observation = { tenantId: ev.tenantId, messageKey: ev.id, phoneNumberId: ev.phoneNumberId, recipient: ev.recipient, at: {} };
  if (ev.wamid) o.wamid = ev.wamid;
  const t = ms(ev.occurredAt);
  const error = ev.error ? { class: ev.error.class, ...(ev.error.code !== undefined ? { code: ev.error.code } : {}), title: ev.error.message } : undefined;
  switch (ev.event) {
    case 'accepted': o.at.accepted = t; break;
    case 'sent': o.at.sent = t; break;
    // dead-lettered: the dispatcher gave up after retries; for a funnel that is a failure.
    case 'failed': case 'dead-lettered': o.at.failed = t; if (error) o.error = error; break;
    case 'rejected': o.at.rejected = t; if (error) o.error = error; break;
    default: break; // retry-scheduled changes no count; delivered/read/played are counted from statuses
  }
  return o;
}

/** A status from Meta: delivered/read (played implies read) and the pricing it carries. */
export function observeStatus(ev: StatusUpdatedV1, tenantId: string): Observation {
  const recipient = ev.recipientId ?? ev.recipientUserId;
  const o: Observation = { tenantId, messageKey: statusMessageKey(ev), phoneNumberId: ev.phoneNumberId, wamid: ev.wamid, at: {}, ...(recipient ? { recipient } : {}) };
  const t = ms(ev.occurredAt);
  if (ev.status === 'delivered') o.at.delivered = t;
  if (ev.status === 'read' || ev.status === 'played') o.at.read = t;
  const p = parsePricing(ev.pricing, ev.conversation);
  if (p) o.pricing = { at: t, ...p, market: marketOf(ev.recipientId) };
  return o;
}

/** Our id, which Meta echoes from `biz_opaque_callback_data`; a message sent elsewhere is known by its wamid. */
export function statusMessageKey(ev: Pick<StatusUpdatedV1, 'bizOpaqueCallbackData' | 'wamid'>): string {
  return ev.bizOpaqueCallbackData ?? `wamid:${ev.wamid}`;
}

/** The send command: which template (if any) the message is, and the campaign (if any) it belongs to. */
export function observeRequest(req: OutboundRequestedV1): Observation | undefined {
  const tpl = req.type === 'template' ? (req.message.template as { name?: unknown; language?: { code?: unknown } } | undefined) : undefined;
  const template = typeof tpl?.name === 'string'
    ? { name: tpl.name.slice(0, 512), language: (typeof tpl.language?.code === 'string' ? tpl.language.code : '').slice(0, 32) }
    : undefined;
  const campaignId = typeof req.campaignId === 'string' && req.campaignId.length > 0 ? req.campaignId.slice(0, 64) : undefined;
  if (!template && !campaignId) return undefined;
  return {
    tenantId: req.tenantId, messageKey: req.id, phoneNumberId: req.phoneNumberId, at: {},
    ...(template ? { template } : {}), ...(campaignId ? { campaignId } : {}), ...(req.to ?? req.recipient ? { recipient: req.to ?? req.recipient } : {}),
  };
}

/** `base` with every still-unwritten group taken from `o` (first writer wins). Pure. */
export function mergeFact(base: MessageFact | undefined, o: Observation): MessageFact {
  if (!base) return { ...o, at: { ...o.at } };
  const next: MessageFact = { ...base, at: { ...base.at } };
  if (!next.recipient && o.recipient) next.recipient = o.recipient;
  if (!next.wamid && o.wamid) next.wamid = o.wamid;
  for (const m of MILESTONES) if (next.at[m] === undefined && o.at[m] !== undefined) next.at[m] = o.at[m];
  // The error belongs to the final milestone that brought it; only the first final one writes it.
  if (!next.error && o.error && (base.at.failed === undefined && base.at.rejected === undefined)) next.error = o.error;
  if (!next.template && o.template) next.template = o.template;
  if (!next.campaignId && o.campaignId) next.campaignId = o.campaignId;
  if (!next.pricing && o.pricing) next.pricing = o.pricing;
  return next;
}

/** One counter increment: `metric` in the hour of `at`, with up to four dimensions. */
export interface CountIncrement {
  phoneNumberId: string;
  at: number;
  metric: string;
  dims: [string?, string?, string?, string?];
  /** For a billable charge: the unit it is counted once for (a CBP conversation). */
  billingUnit?: string;
}

export interface LatencySample {
  phoneNumberId: string;
  /** Bucketed by the later milestone. */
  at: number;
  pair: LatencyPair;
  ms: number;
}

export interface FactChanges {
  counts: CountIncrement[];
  samples: LatencySample[];
  errorTitle?: { code: number; title: string; at: number };
}

const PAIRS: [LatencyPair, Milestone, Milestone][] = [
  ['acceptedToSent', 'accepted', 'sent'],
  ['sentToDelivered', 'sent', 'delivered'],
  ['deliveredToRead', 'delivered', 'read'],
];
const TEMPLATE_MILESTONES: Milestone[] = ['sent', 'delivered', 'read', 'failed'];

/**
 * What became true between two states of a fact: each thing is counted in the transition that
 * makes it true, so it is counted exactly once whatever the order of the events. Pure.
 */
export function factChanges(before: MessageFact | undefined, after: MessageFact): FactChanges {
  const out: FactChanges = { counts: [], samples: [] };
  const pn = after.phoneNumberId;
  const was = (m: Milestone) => before?.at[m] !== undefined;
  for (const m of MILESTONES) {
    const at = after.at[m];
    if (at === undefined || was(m)) continue;
    const dims: CountIncrement['dims'] = m === 'failed' || m === 'rejected'
      ? [after.error?.class ?? 'unknown', after.error?.code !== undefined ? String(after.error.code) : '']
      : [];
    out.counts.push({ phoneNumberId: pn, at, metric: m, dims });
  }
  for (const [pair, from, to] of PAIRS) {
    const a = after.at[from];
    const b = after.at[to];
    if (a === undefined || b === undefined || (was(from) && was(to))) continue;
    out.samples.push({ phoneNumberId: pn, at: b, pair, ms: b - a });
  }
  if (after.template) {
    for (const m of TEMPLATE_MILESTONES) {
      const at = after.at[m];
      if (at === undefined || (before?.template && was(m))) continue;
      out.counts.push({ phoneNumberId: pn, at, metric: `template_${m}`, dims: [after.template.name, after.template.language] });
    }
    // The category Meta charged the template as: known once both the template and the pricing are.
    if (after.pricing && !(before?.template && before.pricing)) {
      out.counts.push({ phoneNumberId: pn, at: after.pricing.at, metric: 'template_priced', dims: [after.template.name, after.template.language, after.pricing.category] });
    }
  }
  // Meta charges a message (PMP) or opens a conversation (CBP) when a message is delivered: the
  // pricing a `sent` status announces counts once the message is delivered or read, never for a
  // message that failed after it was sent.
  const chargedAt = (f: MessageFact | undefined): number | undefined => (f?.pricing ? (f.at.delivered ?? f.at.read) : undefined);
  const charged = chargedAt(after);
  if (after.pricing && charged !== undefined && chargedAt(before) === undefined) {
    const p = after.pricing;
    out.counts.push({
      phoneNumberId: pn, at: charged, metric: p.billable ? 'billable' : 'free', dims: [p.category, p.type, p.model, p.market],
      ...(p.billable && p.billingUnit ? { billingUnit: p.billingUnit } : {}),
    });
  }
  // The same charge per campaign (ADR 0155): counted once the campaign and the charge are both
  // known, whichever came first (the command and the statuses are different topics). A CBP
  // conversation is charged once per campaign (its unit is namespaced by the campaign).
  const campaignChargedAt = (f: MessageFact | undefined): number | undefined => (f?.campaignId ? chargedAt(f) : undefined);
  const campaignCharged = campaignChargedAt(after);
  if (after.pricing && after.campaignId && campaignCharged !== undefined && campaignChargedAt(before) === undefined) {
    const p = after.pricing;
    out.counts.push({
      phoneNumberId: pn, at: campaignCharged, metric: p.billable ? 'campaign_billable' : 'campaign_free', dims: [after.campaignId, p.category, p.market, p.model],
      ...(p.billable && p.billingUnit ? { billingUnit: `campaign:${after.campaignId}:${p.billingUnit}` } : {}),
    });
  }
  const failedNow = (after.at.failed !== undefined && !was('failed')) || (after.at.rejected !== undefined && !was('rejected'));
  if (failedNow && after.error?.code !== undefined && after.error.title) {
    out.errorTitle = { code: after.error.code, title: after.error.title.slice(0, 500), at: (after.at.failed ?? after.at.rejected)! };
  }
  return out;
}

export function hourOf(atMs: number): Date {
  return new Date(Math.floor(atMs / 3_600_000) * 3_600_000);
}
