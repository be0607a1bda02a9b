/**
 * Loop prevention for automated replies (ADR 0135): pure decisions over what the history of
 * firings says, so the cooldown and the budget are unit-tested with a fake clock.
 */

export const DAY_MS = 86_400_000;

export interface ReplyLimits {
  /** At most this many automated replies to one contact per `budgetWindowMs`, all rules together. */
  budget: number;
  budgetWindowMs: number;
}

export interface ReplyHistory {
  /** When this rule last replied to this contact (ms), if ever. */
  lastReplyOfRuleAt?: number;
  /** Automated replies to this contact since now - budgetWindowMs, all rules. */
  repliesInWindow: number;
}

export type ReplyVerdict = 'reply' | 'cooldown' | 'budget' | 'window_closed';

/**
 * May a rule reply to an inbound message now? Free-form replies only while the 24 h window the
 * message opened is open (a template may go later); then the rule's own cooldown; then the
 * contact's budget over all rules.
 */
export function replyVerdict(p: {
  now: number;
  inboundAt: number;
  freeForm: boolean;
  cooldownSeconds: number;
  history: ReplyHistory;
  limits: ReplyLimits;
}): ReplyVerdict {
  if (p.freeForm && p.now >= p.inboundAt + DAY_MS) return 'window_closed';
  if (p.history.lastReplyOfRuleAt !== undefined && p.now < p.history.lastReplyOfRuleAt + p.cooldownSeconds * 1000) return 'cooldown';
  if (p.history.repliesInWindow >= p.limits.budget) return 'budget';
  return 'reply';
}
