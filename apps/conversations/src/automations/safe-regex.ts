import { setFlagsFromString } from 'node:v8';

/** Longest pattern a rule may hold. */
export const MAX_PATTERN_LENGTH = 200;

// V8's linear-time regexp engine (an automaton, as RE2): a pattern compiled with the `l` flag
// is matched in time linear in the input, whatever the pattern, so no tenant's pattern can
// backtrack catastrophically. It refuses what it cannot run linearly (backreferences,
// lookarounds). The flag only enables the engine; patterns without `l` are unaffected (ADR 0134).
setFlagsFromString('--enable-experimental-regexp-engine');

/** The `l` flag (the linear engine); eslint's regexp check does not know it. */
const LINEAR = 'l';

let available: boolean | undefined;

/** Whether this V8 accepts the `l` flag (checked once; regex rules are refused without it). */
export function linearEngineAvailable(): boolean {
  if (available === undefined) {
    try {
      new RegExp('a', LINEAR);
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

export class UnsafePatternError extends Error {}

/**
 * Compiles a tenant's pattern for linear-time matching; throws UnsafePatternError naming the
 * reason (too long, not valid, not linear: a backreference or lookahead). The engine takes no
 * `i` or `u` flag: a case-insensitive rule matches the lower-cased text, so its pattern is
 * written in lower case (checked: no upper-case literal letters outside escapes).
 */
export function compileSafeRegex(pattern: string, caseInsensitive = false): RegExp {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) throw new UnsafePatternError(`must be 1-${MAX_PATTERN_LENGTH} characters`);
  if (!linearEngineAvailable()) throw new UnsafePatternError('regular expressions are not available on this server (no linear-time engine)');
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new UnsafePatternError(`is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  // upper-case letters that are not the letter of an escape (\D, \S, \W, \B): they could never match lower-cased text
  if (caseInsensitive && /(^|[^\\])[A-Z]/.test(pattern.replace(/\\\\/g, ''))) {
    throw new UnsafePatternError('must be written in lower case when caseInsensitive is true (the text is matched lower-cased)');
  }
  try {
    return new RegExp(pattern, LINEAR);
  } catch {
    throw new UnsafePatternError('cannot be matched in linear time (backreferences and lookaheads are not supported)');
  }
}
