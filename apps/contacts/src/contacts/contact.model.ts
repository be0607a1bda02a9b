/** One contact as stored (row of `contacts`), in domain form. */
export interface Contact {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
  phoneE164: string | null;
  profileName: string | null;
  firstInboundAt: Date | null;
  lastInboundAt: Date | null;
  windowOpenUntil: Date | null;
  optedOut: boolean;
  optInState: OptInState;
  optSource: string | null;
  optChangedAt: Date | null;
  reachable: boolean;
  reachabilityAt: Date | null;
  attributes: Record<string, unknown>;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type OptInState = 'unknown' | 'opted_in' | 'opted_out';

/** Sources of an opt-in/out change (kept with the contact and in its history). */
export type OptSource = 'api' | 'keyword' | 'import';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** The customer-service window ends 24 h after the user's last inbound message. */
export function windowEnd(lastInboundAt: Date | null): Date | null {
  return lastInboundAt ? new Date(lastInboundAt.getTime() + WINDOW_MS) : null;
}

export function isWindowOpen(contact: Pick<Contact, 'windowOpenUntil'>, now: Date): boolean {
  return contact.windowOpenUntil !== null && contact.windowOpenUntil.getTime() > now.getTime();
}

/** Identity used in Kafka keys and by the dispatcher: wa_id where known, else the BSUID. */
export function contactKey(c: { tenantId: string; phoneNumberId: string; waId?: string | null; userId?: string | null }): string {
  return `${c.tenantId}:${c.phoneNumberId}:${c.waId ?? c.userId ?? ''}`;
}

/** What sending depends on; a change in any of these is published. */
export function sendingState(c: Contact): string {
  return JSON.stringify([c.waId, c.userId, c.windowOpenUntil?.toISOString() ?? null, c.optedOut, c.reachable]);
}

function laterOf(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function earlierOf(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * Folds `other` (e.g. a BSUID-only contact) into `keep` (the contact that has the wa_id) when a
 * message shows they are the same person. Consent is conservative: if either side opted out,
 * the merged contact is opted out; the most recent explicit choice otherwise wins.
 */
export function mergeContacts(keep: Contact, other: Contact): Contact {
  const keepOptTime = keep.optChangedAt?.getTime() ?? -Infinity;
  const otherOptTime = other.optChangedAt?.getTime() ?? -Infinity;
  const newerOpt = otherOptTime > keepOptTime ? other : keep;
  const optedOut = keep.optedOut || other.optedOut;
  const optSide = optedOut ? (keep.optedOut && (!other.optedOut || keepOptTime >= otherOptTime) ? keep : other) : newerOpt;
  const lastInboundAt = laterOf(keep.lastInboundAt, other.lastInboundAt);
  const reachSide = (other.reachabilityAt?.getTime() ?? -Infinity) > (keep.reachabilityAt?.getTime() ?? -Infinity) ? other : keep;
  return {
    ...keep,
    waId: keep.waId ?? other.waId,
    userId: keep.userId ?? other.userId,
    parentUserId: keep.parentUserId ?? other.parentUserId,
    username: keep.username ?? other.username,
    phoneE164: keep.phoneE164 ?? other.phoneE164,
    profileName: (other.lastInboundAt && lastInboundAt === other.lastInboundAt ? other.profileName : null) ?? keep.profileName ?? other.profileName,
    firstInboundAt: earlierOf(keep.firstInboundAt, other.firstInboundAt),
    lastInboundAt,
    windowOpenUntil: windowEnd(lastInboundAt),
    optedOut,
    optInState: optSide.optInState,
    optSource: optSide.optSource,
    optChangedAt: optSide.optChangedAt,
    reachable: reachSide.reachable,
    reachabilityAt: reachSide.reachabilityAt,
    attributes: { ...other.attributes, ...keep.attributes },
    tags: normalizeTags([...keep.tags, ...other.tags]),
    createdAt: earlierOf(keep.createdAt, other.createdAt) ?? keep.createdAt,
  };
}

export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0))].sort();
}

/** Bytes of the attributes' JSON (what the size cap measures). */
export function attributesSize(attributes: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(attributes), 'utf8');
}

/** JSON merge patch (RFC 7396) at the top level: `null` removes a key. */
export function patchAttributes(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}
