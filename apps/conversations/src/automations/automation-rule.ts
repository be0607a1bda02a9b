/**
 * The shapes of an automation rule (ADR 0133), as stored (`automation_rules.trigger`/`actions`)
 * and answered by the API. Validated at the edge (automation-rules.dto.ts); trusted here.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours on some weekdays, local time of the rule's timezone; `to` may be `24:00`, or before `from` (overnight). */
export interface OpeningHours {
  days: Weekday[];
  from: string;
  to: string;
}

export type Trigger =
  /** The whole message (`exact`) or one of its words or phrases (`contains`) is a keyword; case, accents, punctuation ignored. */
  | { type: 'keyword'; keywords: string[]; match: 'exact' | 'contains' }
  /** A linear-time regular expression over the message text (ADR 0134). */
  | { type: 'regex'; pattern: string; caseInsensitive?: boolean }
  /** A reply button, list row or template quick-reply button, by its id (payload). */
  | { type: 'interactive'; ids: string[] }
  /** The contact's first message ever on this number, or Meta's `request_welcome`. */
  | { type: 'welcome' }
  /** Any message received outside the opening hours (the away message). */
  | { type: 'away'; timezone: string; schedule: OpeningHours[] }
  /** The whole message is an opt-out keyword: the contacts service records the opt-out (ADR 0022); the rule may tag, forward, assign. */
  | { type: 'opt_out'; keywords: string[] }
  /** Any message (a catch-all, last in order). */
  | { type: 'any' };

export type TriggerType = Trigger['type'];
export const TRIGGER_TYPES: TriggerType[] = ['keyword', 'regex', 'interactive', 'welcome', 'away', 'opt_out', 'any'];

export type ReplyMessage =
  | { type: 'text'; text: { body: string; preview_url?: boolean } }
  | { type: 'template'; template: Record<string, unknown> }
  | { type: 'interactive'; interactive: Record<string, unknown> };

export type Action =
  | { type: 'reply'; message: ReplyMessage }
  | { type: 'tag'; tags: string[] }
  | { type: 'forward'; url: string }
  | { type: 'assign'; assignee: string };

export type ActionType = Action['type'];
export const ACTION_TYPES: ActionType[] = ['reply', 'tag', 'forward', 'assign'];

export interface AutomationRule {
  id: string;
  phoneNumberId: string;
  /** Evaluation order within the number: lowest first. */
  position: number;
  name: string;
  enabled: boolean;
  /** Evaluate the rules after this one when it fires (default: the first rule that fires ends the evaluation). */
  continueAfter: boolean;
  /** This rule replies to one contact at most once per this many seconds (loop prevention, ADR 0135). */
  cooldownSeconds: number;
  trigger: Trigger;
  actions: Action[];
  createdAt: string;
  updatedAt: string;
}
