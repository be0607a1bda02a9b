import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { Contact, windowEnd } from '../contacts/contact.model';
import { KeywordMatch } from '../settings/keywords';

/** What one inbound message tells us about its sender. */
export interface InboundFacts {
  wamid: string;
  type: string;
  waId?: string;
  userId?: string;
  parentUserId?: string;
  username?: string;
  profileName?: string;
  occurredAt: Date;
  keyword: KeywordMatch;
}

/** Messages that are not the user writing (Meta's `system` notices) do not open the window. */
export function opensWindow(type: string): boolean {
  return type !== 'system';
}

/** `+<digits>` in E.164 when libphonenumber accepts the wa_id as a number, else null. */
export function e164FromWaId(waId: string | null | undefined): string | null {
  if (!waId || !/^\d{6,15}$/.test(waId)) return null;
  const parsed = parsePhoneNumberFromString(`+${waId}`);
  return parsed?.isPossible() ? parsed.number : null;
}

export function blankContact(id: string, tenantId: string, phoneNumberId: string, now: Date): Contact {
  return {
    id, tenantId, phoneNumberId, waId: null, userId: null, parentUserId: null, username: null, phoneE164: null,
    profileName: null, firstInboundAt: null, lastInboundAt: null, windowOpenUntil: null, optedOut: false,
    optInState: 'unknown', optSource: null, optChangedAt: null, reachable: true, reachabilityAt: null,
    attributes: {}, tags: [], createdAt: now, updatedAt: now,
  };
}

export interface OptChange {
  state: 'opted_in' | 'opted_out';
  source: 'keyword';
  at: Date;
}

const t = (d: Date | null): number => d?.getTime() ?? -Infinity;

/**
 * Applies one inbound message to a contact. Safe against out-of-order delivery: the window
 * follows the latest message time, the profile name the latest message that carried one, and
 * a keyword only wins over an opt choice made before the message was written.
 */
export function applyInbound(c: Contact, f: InboundFacts, now: Date): { contact: Contact; optChange?: OptChange } {
  const next: Contact = { ...c, updatedAt: now };
  next.waId ??= f.waId ?? null;
  next.userId ??= f.userId ?? null;
  next.parentUserId = f.parentUserId ?? next.parentUserId;
  next.username = f.username ?? next.username;
  next.phoneE164 ??= e164FromWaId(next.waId);
  const at = f.occurredAt;
  if (opensWindow(f.type)) {
    if (f.profileName && at.getTime() >= t(c.lastInboundAt)) next.profileName = f.profileName;
    else if (f.profileName && !next.profileName) next.profileName = f.profileName;
    if (at.getTime() > t(c.lastInboundAt)) next.lastInboundAt = at;
    if (at.getTime() < t(c.firstInboundAt) || c.firstInboundAt === null) next.firstInboundAt = at;
    next.windowOpenUntil = windowEnd(next.lastInboundAt);
  }
  // The user wrote to us, so the number is on WhatsApp (undoes an older 131026).
  if (at.getTime() >= t(c.reachabilityAt)) {
    next.reachable = true;
    next.reachabilityAt = at;
  }
  let optChange: OptChange | undefined;
  if (f.keyword && at.getTime() >= t(c.optChangedAt)) {
    const state = f.keyword === 'opt_out' ? 'opted_out' : 'opted_in';
    next.optedOut = state === 'opted_out';
    next.optInState = state;
    next.optSource = 'keyword';
    next.optChangedAt = at;
    optChange = { state, source: 'keyword', at };
  }
  return { contact: next, optChange };
}

/** A failed status with 131026 (not on WhatsApp / undeliverable) marks the contact unreachable. */
export const UNDELIVERABLE_CODE = 131026;

export function applyReachability(c: Contact, reachable: boolean, at: Date, now: Date): Contact {
  if (at.getTime() < t(c.reachabilityAt)) return c;
  return { ...c, reachable, reachabilityAt: at, updatedAt: now };
}

/** `system` message `user_changed_number`: the new wa_id, when the message is one. */
export function changedNumberTo(type: string, raw: Record<string, unknown>): string | undefined {
  if (type !== 'system') return undefined;
  const system = raw.system as Record<string, unknown> | undefined;
  if (!system || typeof system !== 'object') return undefined;
  const kind = system.type;
  const newWaId = system.wa_id;
  if ((kind === 'user_changed_number' || kind === 'customer_changed_number') && typeof newWaId === 'string' && /^\d{4,20}$/.test(newWaId)) {
    return newWaId;
  }
  return undefined;
}
