import { setFlagsFromString } from 'node:v8';

/** Longest pattern a rule may hold. */
export const MAX_PATTERN_LENGTH = 200;

// Tenants' patterns may not backtrack catastrophically (ADR 0134). V8 has a linear-time engine
// (an automaton, as RE2) for patterns without backreferences or lookaheads; it is ~50x slower than
// the backtracking engine on ordinary patterns. So: a pattern is accepted only if the linear
// engine can run it (compiled once with the `l` flag, which refuses backreferences and
// lookaheads), and it is matched by the ordinary engine with V8's fallback: after
// REGEXP_BACKTRACK_LIMIT backtracks a match is rerun on the linear engine. Every match of an
// accepted pattern is then bounded by that many steps plus a linear run. The flags are process-wide:
// other regexes that backtrack that much and can run linearly get the same fallback.
export const REGEXP_BACKTRACK_LIMIT = 10_000;
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
setFlagsFromString(`--regexp-backtracks-before-fallback=${REGEXP_BACKTRACK_LIMIT}`);

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
    new RegExp(pattern, LINEAR);
  } catch {
    throw new UnsafePatternError('cannot be matched in linear time (backreferences and lookaheads are not supported)');
  }
  // matched by the backtracking engine, which falls back to the linear one (see above)
  return new RegExp(pattern);
}
