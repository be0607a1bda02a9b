import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CONTACT_TAG_PATTERN, isJsonObject } from '@wabridge/contracts';
import type { FieldProblem } from '@wabridge/http';
import { Action, AutomationRule, OpeningHours, Trigger, WEEKDAYS } from './automation-rule';
import { isKnownTimezone, minutesOf } from './business-hours';
import { keywordForm } from './inbound-text';
import { compileSafeRegex, UnsafePatternError } from './safe-regex';

/** Limits of one rule (ADR 0133). */
export const RULE_LIMITS = {
  keywords: 50, keywordLength: 100, ids: 50, idLength: 256, windows: 14, actions: 5, tags: 10, tagLength: 64,
  replyBytes: 16 * 1024, textBody: 4096, urlLength: 2048, assigneeLength: 128, cooldownMax: 7 * 86_400,
} as const;

export const DEFAULT_COOLDOWN_SECONDS = 300;

export class CreateRuleBody {
  @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be the numeric id of one of your phone numbers' }) phoneNumberId!: string;
  @IsString() @Length(1, 100) name!: string;
  /** Evaluation order within the number, lowest first; absent = after the number's last rule. */
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) position?: number;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsBoolean() continueAfter?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_LIMITS.cooldownMax) cooldownSeconds?: number;
  /** Checked in depth by `parseTrigger` (a tagged union). */
  @IsObject() trigger!: Record<string, unknown>;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(RULE_LIMITS.actions) @IsObject({ each: true }) actions!: Record<string, unknown>[];
}

/** A partial change; the number of a rule stays (delete and create to move it). */
export class UpdateRuleBody {
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) position?: number;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsBoolean() continueAfter?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_LIMITS.cooldownMax) cooldownSeconds?: number;
  @IsOptional() @IsObject() trigger?: Record<string, unknown>;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(RULE_LIMITS.actions) @IsObject({ each: true }) actions?: Record<string, unknown>[];
}

export class ListRulesQuery {
  @IsOptional() @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be the numeric id of one of your phone numbers' }) phoneNumberId?: string;
}

type Obj = Record<string, unknown>;

function stringList(v: unknown, field: string, max: number, maxLength: number, problems: FieldProblem[]): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > max || !v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= maxLength)) {
    problems.push({ field, problems: [`must be 1-${max} strings of 1-${maxLength} characters`] });
    return [];
  }
  return v as string[];
}

function unknownKeys(o: Obj, allowed: string[], field: string, problems: FieldProblem[]): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0) problems.push({ field, problems: [`unknown properties: ${extra.join(', ')}`] });
}

/** The trigger as stored, or the problems that make it invalid. */
export function parseTrigger(v: Obj, problems: FieldProblem[]): Trigger | undefined {
  const before = problems.length;
  switch (v.type) {
    case 'keyword': {
      unknownKeys(v, ['type', 'keywords', 'match'], 'trigger', problems);
      const keywords = stringList(v.keywords, 'trigger.keywords', RULE_LIMITS.keywords, RULE_LIMITS.keywordLength, problems);
      if (keywords.some((k) => keywordForm(k) === '')) problems.push({ field: 'trigger.keywords', problems: ['a keyword needs a letter or digit'] });
      const match = v.match ?? 'exact';
      if (match !== 'exact' && match !== 'contains') problems.push({ field: 'trigger.match', problems: ['must be exact or contains'] });
      return problems.length === before ? { type: 'keyword', keywords, match: match as 'exact' | 'contains' } : undefined;
    }
    case 'opt_out': {
      unknownKeys(v, ['type', 'keywords'], 'trigger', problems);
      const keywords = stringList(v.keywords, 'trigger.keywords', RULE_LIMITS.keywords, RULE_LIMITS.keywordLength, problems);
      return problems.length === before ? { type: 'opt_out', keywords } : undefined;
    }
    case 'regex': {
      unknownKeys(v, ['type', 'pattern', 'caseInsensitive'], 'trigger', problems);
      if (v.caseInsensitive !== undefined && typeof v.caseInsensitive !== 'boolean') problems.push({ field: 'trigger.caseInsensitive', problems: ['must be a boolean'] });
      if (typeof v.pattern !== 'string') {
        problems.push({ field: 'trigger.pattern', problems: ['must be a string'] });
        return undefined;
      }
      try {
        compileSafeRegex(v.pattern, v.caseInsensitive === true);
      } catch (err) {
        if (!(err instanceof UnsafePatternError)) throw err;
        problems.push({ field: 'trigger.pattern', problems: [err.message] });
      }
      return problems.length === before ? { type: 'regex', pattern: v.pattern, ...(v.caseInsensitive === true ? { caseInsensitive: true } : {}) } : undefined;
    }
    case 'interactive': {
      unknownKeys(v, ['type', 'ids'], 'trigger', problems);
      const ids = stringList(v.ids, 'trigger.ids', RULE_LIMITS.ids, RULE_LIMITS.idLength, problems);
      return problems.length === before ? { type: 'interactive', ids } : undefined;
    }
    case 'welcome':
    case 'any':
      unknownKeys(v, ['type'], 'trigger', problems);
      return problems.length === before ? { type: v.type } : undefined;
    case 'away': {
      unknownKeys(v, ['type', 'timezone', 'schedule'], 'trigger', problems);
      if (typeof v.timezone !== 'string' || v.timezone.length > 64 || !isKnownTimezone(v.timezone)) {
        problems.push({ field: 'trigger.timezone', problems: ['must be an IANA timezone such as Europe/Berlin or UTC'] });
      }
      const schedule: OpeningHours[] = [];
      if (!Array.isArray(v.schedule) || v.schedule.length > RULE_LIMITS.windows) {
        problems.push({ field: 'trigger.schedule', problems: [`must be a list of at most ${RULE_LIMITS.windows} opening hours ({days, from, to}); empty = always closed`] });
      } else {
        v.schedule.forEach((w: unknown, i) => {
          const field = `trigger.schedule[${i}]`;
          const days = isJsonObject(w) && Array.isArray(w.days) ? w.days : undefined;
          const okDays = days !== undefined && days.length > 0 && days.every((d) => (WEEKDAYS as readonly unknown[]).includes(d));
          let okTimes: boolean;
          try {
            okTimes = isJsonObject(w) && typeof w.from === 'string' && typeof w.to === 'string' && minutesOf(w.from) !== minutesOf(w.to) && minutesOf(w.from) < 1440;
          } catch {
            okTimes = false;
          }
          if (!isJsonObject(w) || !okDays || !okTimes) {
            problems.push({ field, problems: [`must be {days: [${WEEKDAYS.join('|')}…], from: "HH:MM", to: "HH:MM"} with from ≠ to (to before from runs over midnight; to may be 24:00)`] });
          } else {
            unknownKeys(w, ['days', 'from', 'to'], field, problems);
            schedule.push({ days: [...new Set(days as OpeningHours['days'])], from: w.from as string, to: w.to as string });
          }
        });
      }
      return problems.length === before ? { type: 'away', timezone: v.timezone as string, schedule } : undefined;
    }
    default:
      problems.push({ field: 'trigger.type', problems: ['must be one of keyword, regex, interactive, welcome, away, opt_out, any'] });
      return undefined;
  }
}

function replyProblems(message: unknown, field: string): string[] {
  if (!isJsonObject(message)) return ['must be a message object {type, <type>: {…}} as POST /v1/messages takes it'];
  if (Buffer.byteLength(JSON.stringify(message)) > RULE_LIMITS.replyBytes) return [`must be at most ${RULE_LIMITS.replyBytes} bytes`];
  const type = message.type;
  if (type !== 'text' && type !== 'template' && type !== 'interactive') return ['type must be text, template or interactive'];
  const extra = Object.keys(message).filter((k) => k !== 'type' && k !== type);
  if (extra.length > 0) return [`unknown properties: ${extra.join(', ')} (to, context and the number are the conversation's)`];
  const body = message[type];
  if (!isJsonObject(body)) return [`${type} must be an object`];
  if (type === 'text' && (typeof body.body !== 'string' || body.body.length === 0 || body.body.length > RULE_LIMITS.textBody)) return [`text.body must be 1-${RULE_LIMITS.textBody} characters`];
  if (type === 'template' && (typeof body.name !== 'string' || !isJsonObject(body.language) || typeof body.language.code !== 'string')) return ['template needs name and language.code'];
  if (type === 'interactive' && (typeof body.type !== 'string' || !isJsonObject(body.action))) return ['interactive needs type and action (Meta\'s interactive object)'];
  void field;
  return [];
}

/** The actions as stored, or the problems that make them invalid. */
export function parseActions(list: Obj[], trigger: Trigger | undefined, problems: FieldProblem[]): Action[] {
  const out: Action[] = [];
  const seen = new Set<string>();
  list.forEach((a, i) => {
    const field = `actions[${i}]`;
    const before = problems.length;
    if (typeof a.type === 'string' && seen.has(a.type)) problems.push({ field, problems: [`a rule has at most one ${a.type} action`] });
    if (typeof a.type === 'string') seen.add(a.type);
    switch (a.type) {
      case 'reply': {
        unknownKeys(a, ['type', 'message'], field, problems);
        const p = replyProblems(a.message, `${field}.message`);
        if (p.length > 0) problems.push({ field: `${field}.message`, problems: p });
        if (trigger?.type === 'opt_out') {
          problems.push({ field, problems: ['an opt_out rule cannot reply: the contacts service records the opt-out and the dispatcher refuses sends to an opted-out contact'] });
        }
        if (problems.length === before) out.push({ type: 'reply', message: a.message as Extract<Action, { type: 'reply' }>['message'] });
        break;
      }
      case 'tag': {
        unknownKeys(a, ['type', 'tags'], field, problems);
        const tags = stringList(a.tags, `${field}.tags`, RULE_LIMITS.tags, RULE_LIMITS.tagLength, problems);
        const bad = tags.filter((t) => !CONTACT_TAG_PATTERN.test(t));
        if (bad.length > 0) problems.push({ field: `${field}.tags`, problems: [`${bad.map((t) => JSON.stringify(t.slice(0, 70))).join(', ')}: a tag is 1-64 letters, digits, space or . _ : / -, starting with a letter or digit`] });
        if (problems.length === before) out.push({ type: 'tag', tags });
        break;
      }
      case 'forward': {
        unknownKeys(a, ['type', 'url'], field, problems);
        if (typeof a.url !== 'string' || a.url.length > RULE_LIMITS.urlLength || !/^https?:\/\//i.test(a.url)) {
          problems.push({ field: `${field}.url`, problems: [`must be an http(s) URL of at most ${RULE_LIMITS.urlLength} characters`] });
        }
        if (problems.length === before) out.push({ type: 'forward', url: a.url as string });
        break;
      }
      case 'assign': {
        unknownKeys(a, ['type', 'assignee'], field, problems);
        if (typeof a.assignee !== 'string' || a.assignee.length === 0 || a.assignee.length > RULE_LIMITS.assigneeLength) {
          problems.push({ field: `${field}.assignee`, problems: [`must be an agent or queue name of 1-${RULE_LIMITS.assigneeLength} characters`] });
        }
        if (problems.length === before) out.push({ type: 'assign', assignee: a.assignee as string });
        break;
      }
      default:
        problems.push({ field: `${field}.type`, problems: ['must be one of reply, tag, forward, assign'] });
    }
  });
  return out;
}

/** A rule as the API answers it. */
export type RuleView = AutomationRule;
