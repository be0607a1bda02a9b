import { ManualClock } from '@wabridge/time';
import { DAY_MS, replyVerdict } from './reply-guard';

const limits = { budget: 3, budgetWindowMs: 3_600_000 };

describe('reply guard (loop prevention)', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0));
  const inboundAt = clock.now();
  const verdict = (over: Partial<Parameters<typeof replyVerdict>[0]> = {}) =>
    replyVerdict({ now: clock.now(), inboundAt, freeForm: true, cooldownSeconds: 60, history: { repliesInWindow: 0 }, limits, ...over });

  it('replies when the rule never replied to the contact and the budget is left', () => {
    expect(verdict()).toBe('reply');
  });

  it('keeps a rule quiet for its cooldown after it replied, then lets it reply again', () => {
    const lastReplyOfRuleAt = clock.now();
    clock.advance(59_999);
    expect(verdict({ history: { lastReplyOfRuleAt, repliesInWindow: 1 } })).toBe('cooldown');
    clock.advance(1);
    expect(verdict({ history: { lastReplyOfRuleAt, repliesInWindow: 1 } })).toBe('reply');
  });

  it('stops every rule once the contact\'s budget of automated replies is spent', () => {
    expect(verdict({ history: { repliesInWindow: 2 } })).toBe('reply');
    expect(verdict({ history: { repliesInWindow: 3 } })).toBe('budget');
  });

  it('sends no free-form reply once the 24 h window of the message closed, a template still', () => {
    const late = inboundAt + DAY_MS;
    expect(verdict({ now: late })).toBe('window_closed');
    expect(verdict({ now: late, freeForm: false })).toBe('reply');
    expect(verdict({ now: late - 1 })).toBe('reply');
  });
});
