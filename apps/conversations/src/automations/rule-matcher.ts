import { AutomationRule, OpeningHours } from './automation-rule';
import { isOpen } from './business-hours';
import { InboundFacts, keywordForm } from './inbound-text';
import { compileSafeRegex } from './safe-regex';

/** Types that never trigger automations: reactions, amendments, system notices, what we cannot read. */
const QUIET_TYPES = new Set(['reaction', 'edit', 'revoke', 'system', 'unsupported']);

type Test = (m: MatchInput) => boolean;

export interface MatchInput {
  type: string;
  facts: InboundFacts;
  /** The contact never wrote to this number before this message. */
  firstInbound: boolean;
  now: number;
  /** `keywordForm` of `facts.text`, computed once per message. */
  form?: string;
  lower?: string;
}

export interface CompiledRule {
  rule: AutomationRule;
  test: Test;
}

function keywordTest(keywords: string[], match: 'exact' | 'contains'): Test {
  const forms = keywords.map(keywordForm).filter((k) => k.length > 0);
  if (match === 'exact') {
    const set = new Set(forms);
    return (m) => m.form !== undefined && set.has(m.form);
  }
  // whole words or phrases: " order status " inside " where is my order status "
  const padded = forms.map((k) => ` ${k} `);
  return (m) => {
    if (m.form === undefined) return false;
    const text = ` ${m.form} `;
    return padded.some((k) => text.includes(k));
  };
}

function awayTest(timezone: string, schedule: OpeningHours[]): Test {
  return (m) => !isOpen(m.now, timezone, schedule);
}

/** One rule's trigger as a predicate (the regex compiled once, keywords normalized once). */
export function compileRule(rule: AutomationRule): CompiledRule {
  const t = rule.trigger;
  let test: Test;
  switch (t.type) {
    case 'keyword':
      test = keywordTest(t.keywords, t.match);
      break;
    case 'opt_out':
      test = keywordTest(t.keywords, 'exact');
      break;
    case 'regex': {
      const re = compileSafeRegex(t.pattern, t.caseInsensitive ?? false);
      const ci = t.caseInsensitive ?? false;
      test = (m) => m.facts.text !== undefined && re.test(ci ? (m.lower ??= m.facts.text.toLowerCase()) : m.facts.text);
      break;
    }
    case 'interactive': {
      const ids = new Set(t.ids);
      test = (m) => m.facts.choiceIds.some((id) => ids.has(id));
      break;
    }
    case 'welcome':
      test = (m) => m.firstInbound || m.facts.requestWelcome;
      break;
    case 'away':
      test = awayTest(t.timezone, t.schedule);
      break;
    case 'any':
      test = () => true;
      break;
  }
  return { rule, test };
}

/** A number's enabled rules in evaluation order, compiled. */
export class RuleSet {
  readonly rules: CompiledRule[];
  private readonly optOutRules: CompiledRule[];

  /** Rules that could not be compiled (a regex this runtime refuses): skipped, so they never stop the number's fold. */
  readonly broken: { id: string; reason: string }[] = [];

  constructor(rules: AutomationRule[]) {
    this.rules = [];
    for (const r of [...rules].filter((x) => x.enabled).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1))) {
      try {
        this.rules.push(compileRule(r));
      } catch (err) {
        this.broken.push({ id: r.id, reason: (err as Error).message });
      }
    }
    this.optOutRules = this.rules.filter((c) => c.rule.trigger.type === 'opt_out');
  }

  get size(): number {
    return this.rules.length;
  }

  /**
   * The rules that fire for one inbound message, in order: each rule whose trigger matches, up
   * to and including the first one without `continueAfter`. `request_welcome` (the user opened
   * the chat, wrote nothing) triggers only welcome rules; reactions, edits, revokes and system
   * messages trigger nothing. An opt-out keyword fires only opt-out rules, so no other rule
   * answers a user who just asked to hear nothing more.
   */
  match(input: Omit<MatchInput, 'form'>): AutomationRule[] {
    if (QUIET_TYPES.has(input.type)) return [];
    const m: MatchInput = { ...input, form: input.facts.text === undefined ? undefined : keywordForm(input.facts.text) };
    const optOut = this.optOutRules.some((c) => c.test(m));
    const fired: AutomationRule[] = [];
    for (const c of this.rules) {
      const kind = c.rule.trigger.type;
      if (optOut && kind !== 'opt_out') continue;
      if (input.facts.requestWelcome && kind !== 'welcome') continue;
      if (!c.test(m)) continue;
      fired.push(c.rule);
      if (!c.rule.continueAfter) break;
    }
    return fired;
  }
}
