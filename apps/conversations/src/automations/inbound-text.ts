import { type InboundMessageV1, isJsonObject } from '@wabridge/contracts';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Longest text a trigger reads (a WhatsApp text is at most 4,096 characters). */
export const MAX_MATCHED_TEXT = 4096;

/** What a user wrote or chose, as triggers read it. */
export interface InboundFacts {
  /** `text.body`, a quick-reply button's text, an interactive reply's title (captions are not read). */
  text?: string;
  /** Reply button / list row id, or a template quick-reply button's payload. */
  choiceIds: string[];
  requestWelcome: boolean;
}

/** Meta's message object (`raw`) reduced to what triggers match on (pure). */
export function inboundFacts(ev: Pick<InboundMessageV1, 'type' | 'raw'>): InboundFacts {
  const raw = ev.raw;
  const facts: InboundFacts = { choiceIds: [], requestWelcome: ev.type === 'request_welcome' };
  if (ev.type === 'text' && isJsonObject(raw.text)) facts.text = str(raw.text.body);
  if (ev.type === 'button' && isJsonObject(raw.button)) {
    facts.text = str(raw.button.text);
    const payload = str(raw.button.payload);
    if (payload) facts.choiceIds.push(payload);
  }
  if (ev.type === 'interactive' && isJsonObject(raw.interactive)) {
    for (const key of ['button_reply', 'list_reply'] as const) {
      const reply = raw.interactive[key];
      if (isJsonObject(reply)) {
        const id = str(reply.id);
        if (id) facts.choiceIds.push(id);
        facts.text = str(reply.title);
      }
    }
  }
  if (facts.text && facts.text.length > MAX_MATCHED_TEXT) facts.text = facts.text.slice(0, MAX_MATCHED_TEXT);
  return facts;
}

/**
 * Keyword form of a text: NFKD without accents, lower case, every run of characters other than
 * letters and digits one space, trimmed ("  Öffnungs-Zeiten?! " → "offnungs zeiten"). The same
 * leniency as the contacts service's opt-out keywords (ADR 0022).
 */
export function keywordForm(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
