import { type InboundMessageV1 } from '@wabridge/contracts';
import { inboundChoice, inboundUserText } from '@wabridge/meta';

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
  const facts: InboundFacts = { choiceIds: [], requestWelcome: ev.type === 'request_welcome' };
  let text = inboundUserText(ev.type, ev.raw);
  const choiceId = inboundChoice(ev.type, ev.raw)?.id;
  if (choiceId) facts.choiceIds.push(choiceId);
  if (text && text.length > MAX_MATCHED_TEXT) text = text.slice(0, MAX_MATCHED_TEXT);
  if (text) facts.text = text;
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
