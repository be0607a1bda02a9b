import { Contact } from './contact.model';

/** The API shape of a contact (DESIGN.md §12 fields first, then the rest we hold). */
export function contactView(c: Contact) {
  return {
    id: c.id,
    phoneNumberId: c.phoneNumberId,
    waId: c.waId,
    profileName: c.profileName,
    windowOpenUntil: c.windowOpenUntil?.toISOString() ?? null,
    optedOut: c.optedOut,
    attributes: c.attributes,
    tags: c.tags,
    userId: c.userId,
    parentUserId: c.parentUserId,
    username: c.username,
    phone: c.phoneE164,
    optInState: c.optInState,
    optSource: c.optSource,
    optChangedAt: c.optChangedAt?.toISOString() ?? null,
    reachable: c.reachable,
    firstInboundAt: c.firstInboundAt?.toISOString() ?? null,
    lastInboundAt: c.lastInboundAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export type ContactView = ReturnType<typeof contactView>;
