import { isJsonObject, type JsonObject } from './json';

/**
 * Typed readers of one inbound message object (`value.messages[]` of a webhook, kept as `raw` on
 * wa.inbound.message.v1). Meta's bodies are read only here: ingress, contacts and conversations
 * ask these functions instead of walking `raw` themselves, so a change of Meta's shape is one edit.
 * All are pure and total: anything malformed reads as "not there", never a throw.
 */

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A tapped choice: a template quick-reply button, or an interactive reply button / list row. */
export interface InboundChoice {
  /** `button`: a template's quick-reply button; `button_reply` / `list_reply`: an interactive message's. */
  kind: 'button' | 'button_reply' | 'list_reply';
  /** The id the business gave the choice (a quick-reply button's `payload`). */
  id?: string;
  /** What the user saw and tapped. */
  title?: string;
}

/** The choice a `button` or `interactive` message carries, if any. */
export function inboundChoice(type: string, raw: JsonObject): InboundChoice | undefined {
  if (type === 'button' && isJsonObject(raw.button)) {
    return { kind: 'button', id: text(raw.button.payload), title: text(raw.button.text) };
  }
  if (type === 'interactive' && isJsonObject(raw.interactive)) {
    for (const kind of ['button_reply', 'list_reply'] as const) {
      const reply = raw.interactive[kind];
      if (isJsonObject(reply)) return { kind, id: text(reply.id), title: text(reply.title) };
    }
  }
  return undefined;
}

/**
 * What the user typed or tapped: a text's `body`, or the title of the choice they tapped.
 * Captions of media are not read (they describe the media, not a command).
 */
export function inboundUserText(type: string, raw: JsonObject): string | undefined {
  if (type === 'text') return isJsonObject(raw.text) ? text(raw.text.body) : undefined;
  return inboundChoice(type, raw)?.title;
}

/** The message a reaction is about and its emoji (`""` removes an earlier reaction). */
export function inboundReaction(raw: JsonObject): { messageId?: string; emoji: string } | undefined {
  if (!isJsonObject(raw.reaction)) return undefined;
  return { messageId: text(raw.reaction.message_id), emoji: typeof raw.reaction.emoji === 'string' ? raw.reaction.emoji : '' };
}

/** The message this one refers to: the one replied to (`context.id`) or reacted to. */
export function inboundReferencedWamid(raw: JsonObject): string | undefined {
  return (isJsonObject(raw.context) ? text(raw.context.id) : undefined) ?? inboundReaction(raw)?.messageId;
}

/** An edit (new content for an earlier message) or a revoke (its deletion) by the user. */
export type InboundAmendment =
  | { kind: 'edit'; targetWamid: string; message: JsonObject & { type: string } }
  | { kind: 'revoke'; targetWamid: string };

/** The amendment an `edit` / `revoke` message makes; undefined when it names no original. */
export function inboundAmendment(type: string, raw: JsonObject): InboundAmendment | undefined {
  if (type === 'edit' && isJsonObject(raw.edit)) {
    const targetWamid = text(raw.edit.original_message_id);
    const message = raw.edit.message;
    if (targetWamid && isJsonObject(message) && typeof message.type === 'string') {
      return { kind: 'edit', targetWamid, message: message as JsonObject & { type: string } };
    }
  }
  if (type === 'revoke' && isJsonObject(raw.revoke)) {
    const targetWamid = text(raw.revoke.original_message_id) ?? text(raw.revoke.message_id);
    if (targetWamid) return { kind: 'revoke', targetWamid };
  }
  return undefined;
}
