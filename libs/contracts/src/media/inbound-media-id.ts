import { createHash } from 'node:crypto';

/** Crockford's base32, as ULIDs use it (no I, L, O, U). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The message types whose content object carries a Meta media id (`<type>.id`). */
export const INBOUND_MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type InboundMediaType = (typeof INBOUND_MEDIA_TYPES)[number];

export function isInboundMediaType(type: string): type is InboundMediaType {
  return (INBOUND_MEDIA_TYPES as readonly string[]).includes(type);
}

/**
 * Our media id for an inbound media object, computed by whoever sees the inbound message (the
 * media service that stores it, the notifier that announces it) without asking anyone (ADR 0102).
 * It has the form of the service's other ids (a 26-character ULID): the time part is the
 * message's own time (Meta's `timestamp`, `occurredAt` in wa.inbound.message.v1), so listings
 * stay roughly time-ordered; the 80 "random" bits are sha256(tenant, Meta media id), so the same
 * media of the same tenant always maps to the same id and two tenants never share one.
 */
export function inboundMediaId(input: { tenantId: string; metaMediaId: string; occurredAt: string | Date }): string {
  const at = input.occurredAt instanceof Date ? input.occurredAt.getTime() : Date.parse(input.occurredAt);
  // A ULID's time is 48 bits of milliseconds; an unparsable or out-of-range time counts as 0.
  const ms = Number.isFinite(at) && at >= 0 && at < 2 ** 48 ? Math.floor(at) : 0;
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const digest = createHash('sha256').update(`wabridge-inbound-media\u0000${input.tenantId}\u0000${input.metaMediaId}`).digest();
  let rest = '';
  // 16 characters × 5 bits = the first 80 bits of the digest
  let acc = 0;
  let bits = 0;
  let i = 0;
  while (rest.length < 16) {
    acc = (acc << 8) | digest[i++]!;
    bits += 8;
    while (bits >= 5 && rest.length < 16) {
      bits -= 5;
      rest += CROCKFORD[(acc >> bits) & 31]!;
    }
    acc &= (1 << bits) - 1;
  }
  return time + rest;
}

/**
 * The same id from a `wa.inbound.message.v1` payload: undefined unless it is a media message
 * whose content object names a Meta media id.
 */
export function inboundMediaIdOf(e: { type: string; occurredAt: string; raw: Record<string, unknown> }, tenantId: string): string | undefined {
  const metaMediaId = metaMediaIdOf(e);
  return metaMediaId === undefined ? undefined : inboundMediaId({ tenantId, metaMediaId, occurredAt: e.occurredAt });
}

/** Meta's media id in an inbound media message (`raw[type].id`), if any. */
export function metaMediaIdOf(e: { type: string; raw: Record<string, unknown> }): string | undefined {
  if (!isInboundMediaType(e.type)) return undefined;
  const content = e.raw[e.type];
  if (typeof content !== 'object' || content === null) return undefined;
  const id = (content as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= 256 ? id : undefined;
}
