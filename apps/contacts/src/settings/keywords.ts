import { inboundChoice, inboundUserText } from '@wabridge/meta';

/**
 * Opt-out / opt-in keywords. A message opts out only when its whole text (trimmed, case- and
 * accent-insensitive, surrounding punctuation and emoji ignored) is one keyword: "STOP" and
 * "Stop!" opt out, "please don't stop" does not.
 */
export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
  // English
  'STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPT OUT', 'OPTOUT',
  // German / Scandinavian
  'STOPP', 'ABMELDEN', 'AVSLUTA', 'AFMELD',
  // French
  'ARRET', 'ARRETER', 'DESABONNER', 'DESINSCRIRE',
  // Spanish / Portuguese
  'BAJA', 'PARAR', 'CANCELAR', 'SAIR', 'DESCADASTRAR',
  // Italian
  'ANNULLA', 'DISISCRIVI',
  // Dutch
  'AFMELDEN', 'UITSCHRIJVEN',
  // Polish / Turkish / Indonesian
  'WYPISZ', 'DUR', 'BERHENTI',
];

export const DEFAULT_OPT_IN_KEYWORDS: readonly string[] = ['START', 'UNSTOP', 'SUBSCRIBE', 'ALTA', 'INICIAR'];

export const MAX_KEYWORDS = 100;
export const MAX_KEYWORD_LENGTH = 64;

/** Upper-case, accents removed, inner whitespace collapsed, leading/trailing non-letters dropped. */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/\s+/gu, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

export interface KeywordSet {
  optOut: ReadonlySet<string>;
  optIn: ReadonlySet<string>;
}

export function keywordSet(optOut: readonly string[], optIn: readonly string[]): KeywordSet {
  const norm = (list: readonly string[]) => new Set(list.map(normalizeKeyword).filter((k) => k.length > 0));
  return { optOut: norm(optOut), optIn: norm(optIn) };
}

export const DEFAULT_KEYWORDS: KeywordSet = keywordSet(DEFAULT_OPT_OUT_KEYWORDS, DEFAULT_OPT_IN_KEYWORDS);

/**
 * The text a user typed or tapped in an inbound message, where there is one (a quick-reply
 * button without a text counts by its payload, so a STOP button opts out).
 */
export function userText(type: string, raw: Record<string, unknown>): string | undefined {
  return inboundUserText(type, raw) ?? (type === 'button' ? inboundChoice(type, raw)?.id : undefined);
}

export type KeywordMatch = 'opt_out' | 'opt_in' | undefined;

export function matchKeyword(text: string | undefined, keywords: KeywordSet): KeywordMatch {
  if (text === undefined || text.length > 200) return undefined;
  const k = normalizeKeyword(text);
  if (k.length === 0) return undefined;
  if (keywords.optOut.has(k)) return 'opt_out';
  if (keywords.optIn.has(k)) return 'opt_in';
  return undefined;
}
