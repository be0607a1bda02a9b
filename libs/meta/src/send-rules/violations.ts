/**
 * What a send-rule check reports, in one shape for every caller: the gateway turns a violation
 * into a field problem of our API, the sandbox into the Graph error Meta answers (ADR 0183).
 */

/** A step into a JSON value: an object key or an array index. */
export type Segment = string | number;

/**
 * How Meta answers the violation synchronously: a required field missing → 131008, a value out
 * of range (length, count, enum, format) → 131009, a request it cannot read at all (wrong JSON
 * type, unknown field, unsupported type, wrong product) → 100.
 */
export type ViolationKind = 'missing' | 'invalid' | 'malformed';

export const GRAPH_CODE_OF: Readonly<Record<ViolationKind, number>> = { missing: 131008, invalid: 131009, malformed: 100 };

export interface SendRuleViolation {
  /** Where the problem is (the field a client should fix). */
  readonly path: readonly Segment[];
  readonly kind: ViolationKind;
  /** The predicate without its subject, e.g. `must be at most 20 characters (got 25)`. */
  readonly reason: string;
  /** The subject of `reason` when it is not `path` (e.g. an object that needs one of two fields). */
  readonly subject?: readonly Segment[];
}

/** `['interactive', 'action', 'buttons', 0, 'reply']` → `interactive.action.buttons[0].reply`. */
export function dottedPath(path: readonly Segment[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/** `['interactive', 'action', 'buttons', 0]` → `interactive['action']['buttons'][0]` (how Meta names a param). */
export function metaParamPath(path: readonly Segment[]): string {
  return path.reduce<string>((acc, seg, i) => (typeof seg === 'number' ? `${acc}[${seg}]` : i === 0 ? seg : `${acc}['${seg}']`), '');
}

/** The sentence our API shows: `interactive.action.buttons[0].reply.title must be at most 20 characters (got 25)`. */
export function describeViolation(v: SendRuleViolation): string {
  return `${dottedPath(v.subject ?? v.path) || 'body'} ${v.reason}`;
}

/** The field a client should fix (`body` for the body as a whole). */
export function violationField(v: SendRuleViolation): string {
  return dottedPath(v.path) || 'body';
}

/** The `error_data.details` Meta would give for the violation. */
export function graphDetails(v: SendRuleViolation): string {
  const subject = metaParamPath(v.subject ?? v.path);
  if (subject === '') return `The request body ${v.reason}.`;
  if (v.kind === 'missing') return `The parameter ${subject} is required.`;
  return `Param ${subject} ${v.reason}.`;
}

/** JSON pointer (`/interactive/action/buttons/0`) → segments. */
export function pointerSegments(pointer: string): Segment[] {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
