import { inboundMediaIdOf, InboundMessageV1, isInboundMediaType, isJsonObject, OutboundRequestedV1 } from '@wabridge/contracts';
import { inboundAmendment, inboundReaction } from '@wabridge/meta';

type Obj = Record<string, unknown>;
/** Longest message id kept as a reference (Meta's wamids are ~60 characters). */
const MAX_WAMID = 512;

/** Types that change another message instead of being one (ADR 0130): applied to their original, not listed. */
export const AMENDMENT_TYPES = ['edit', 'revoke'] as const;

/** What one inbound message adds to a conversation's history. */
export interface InboundEntry {
  type: string;
  /** Meta's content object under its type (`{text: {body}}`, `{image: {…, mediaId}}`), plus `context`/`referral`; null for a revoke. */
  content: Obj | null;
  /** The message an edit, revoke or reaction is about. */
  targetWamid?: string;
  /** Edits and revokes change their original; everything else is a step of the chat. */
  amendment: boolean;
}

/**
 * Meta's object of one message type, as kept in the history: media objects lose Meta's short-lived
 * `url` and gain `mediaId`, our id of the stored bytes (`GET /v1/media/:id/content`, ADR 0102).
 */
function typeObject(type: string, raw: Obj, mediaId: string | undefined): unknown {
  const value = raw[type];
  if (isInboundMediaType(type) && isJsonObject(value)) {
    const { url: _url, ...rest } = value;
    return mediaId ? { ...rest, mediaId } : rest;
  }
  return value ?? {};
}

function withExtras(content: Obj, raw: Obj): Obj {
  // `context` (reply to / forwarded) and `referral` (click-to-WhatsApp ad) as Meta sent them
  if (isJsonObject(raw.context)) content.context = raw.context;
  if (isJsonObject(raw.referral)) content.referral = raw.referral;
  return content;
}

/** The history entry of an inbound message (pure; `tenantId` derives our media id). */
export function inboundEntry(ev: InboundMessageV1, tenantId: string): InboundEntry {
  const raw = ev.raw;
  const amendment = inboundAmendment(ev.type, raw);
  if (amendment && amendment.targetWamid.length <= MAX_WAMID) {
    if (amendment.kind === 'revoke') return { type: 'revoke', content: null, targetWamid: amendment.targetWamid, amendment: true };
    // the edited version replaces the original's content; the original keeps its own reply context
    // (no media id: the media service stores media of new messages only, so the edit's Meta id stays as sent)
    const inner = amendment.message;
    return { type: 'edit', content: { [inner.type]: typeObject(inner.type, inner, undefined) }, targetWamid: amendment.targetWamid, amendment: true };
  }
  const reaction = ev.type === 'reaction' ? inboundReaction(raw) : undefined;
  if (reaction) {
    // `emoji: ""` is the removal of an earlier reaction: a step of the chat as well
    const target = reaction.messageId && reaction.messageId.length <= MAX_WAMID ? reaction.messageId : undefined;
    return { type: 'reaction', content: withExtras({ reaction: raw.reaction as Obj }, raw), targetWamid: target, amendment: false };
  }
  if (ev.type === 'unsupported') {
    const content: Obj = { unsupported: raw.unsupported ?? { type: ev.metaType ?? raw.type ?? null } };
    if (Array.isArray(raw.errors)) content.errors = raw.errors;
    return { type: 'unsupported', content: withExtras(content, raw), amendment: false };
  }
  // an edit or revoke without the original's id has nothing to apply to: kept as a step, as sent
  const mediaId = inboundMediaIdOf(ev, tenantId);
  return { type: ev.type, content: withExtras({ [ev.type]: typeObject(ev.type, raw, mediaId) }, raw), amendment: false };
}

/** The content of an outbound message: the send body without its `type` (`{text: {…}, context?}`), as the dispatcher sent it. */
export function outboundContent(req: OutboundRequestedV1): Obj {
  const { type: _type, ...rest } = req.message;
  return rest;
}
