/** What sending needs to know, from the local copies of number/contact/template state. */
export interface NumberState {
  phoneNumberId: string;
  tenantId: string;
  wabaId: string;
  businessId: string;
  status: 'active' | 'paused';
  pausedReason?: string;
  mps: number;
  tier: string;
  graphBaseUrl: string;
  graphApiVersion: string;
  revision: number;
}

export interface ContactState {
  windowOpenUntil?: number;
  optedOut: boolean;
  reachable: boolean;
}

export type TemplateStatus = string; // Meta's: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, …

export type ComplianceResult =
  | { ok: true; businessInitiated: boolean }
  | { ok: false; hold: true; reason: string }
  | { ok: false; hold: false; code: string; reason: string };

export interface ComplianceInput {
  tenantId: string;
  type: string;
  number: NumberState;
  contact: ContactState | undefined;
  /** Known status of the template (undefined = we have not heard of it: let Meta decide). */
  templateStatus: TemplateStatus | undefined;
  now: number;
}

/**
 * Checks made before any Graph call. A paused number holds (not a rejection); everything else
 * that fails is a `rejected` with a reason the customer can act on.
 */
export function checkCompliance(i: ComplianceInput): ComplianceResult {
  if (i.number.tenantId !== i.tenantId) return { ok: false, hold: false, code: 'number-not-owned', reason: 'the phone number does not belong to this tenant' };
  if (i.number.status !== 'active') return { ok: false, hold: true, reason: i.number.pausedReason ?? 'number paused' };
  if (i.contact?.optedOut) return { ok: false, hold: false, code: 'opted-out', reason: 'the recipient opted out of messages from this number' };
  if (i.contact && !i.contact.reachable) return { ok: false, hold: false, code: 'unreachable', reason: 'the recipient is not on WhatsApp (Meta said 131026)' };
  const windowOpen = i.contact?.windowOpenUntil !== undefined && i.contact.windowOpenUntil > i.now;
  if (i.type === 'template') {
    if (i.templateStatus !== undefined && i.templateStatus.toUpperCase() !== 'APPROVED') {
      return { ok: false, hold: false, code: 'template-not-approved', reason: `template status is ${i.templateStatus}` };
    }
    return { ok: true, businessInitiated: !windowOpen };
  }
  if (!windowOpen) {
    return { ok: false, hold: false, code: 'outside-window', reason: 'outside the 24 h customer-service window: only templates may be sent' };
  }
  return { ok: true, businessInitiated: false };
}

/** Messaging-limit tiers: unique business-initiated users per portfolio per moving 24 h. */
export function tierLimit(tier: string): number {
  if (tier === 'unlimited') return Number.POSITIVE_INFINITY;
  const n = Number(tier);
  return Number.isFinite(n) && n > 0 ? n : 250;
}
