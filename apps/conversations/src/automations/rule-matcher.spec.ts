import { ManualClock } from '@wabridge/time';
import { fixtureMessage } from '../testing/chat-script';
import type { Action, AutomationRule, Trigger } from './automation-rule';
import { inboundFacts } from './inbound-text';
import { RuleSet } from './rule-matcher';

const REPLY: Action[] = [{ type: 'reply', message: { type: 'text', text: { body: 'ok' } } }];
let n = 0;
function rule(trigger: Trigger, over: Partial<AutomationRule> = {}): AutomationRule {
  n += 1;
  return {
    id: `R${String(n).padStart(3, '0')}`, phoneNumberId: '1', position: n * 10, name: `rule ${n}`, enabled: true, continueAfter: false,
    cooldownSeconds: 60, trigger, actions: REPLY, createdAt: '', updatedAt: '', ...over,
  };
}

const clock = new ManualClock(Date.UTC(2026, 0, 5, 10, 0)); // Monday 10:00 UTC
function match(set: RuleSet, raw: Record<string, unknown>, firstInbound = false): string[] {
  const type = raw.type as string;
  return set.match({ type, facts: inboundFacts({ type: type as never, raw }), firstInbound, now: clock.now() }).map((r) => r.name);
}
const text = (body: string) => ({ type: 'text', text: { body } });

describe('rule matching', () => {
  it('matches keywords whole (exact) or as words (contains), ignoring case, accents and punctuation', () => {
    const exact = rule({ type: 'keyword', keywords: ['Öffnungszeiten', 'opening hours'], match: 'exact' }, { name: 'exact' });
    const contains = rule({ type: 'keyword', keywords: ['price'], match: 'contains' }, { name: 'contains' });
    const set = new RuleSet([exact, contains]);
    expect(match(set, text('  oeffnungszeiten'))).toEqual([]);
    expect(match(set, text('OFFNUNGSZEITEN?!'))).toEqual(['exact']);
    expect(match(set, text('Opening   hours.'))).toEqual(['exact']);
    expect(match(set, text('what are your opening hours?'))).toEqual([]);
    expect(match(set, text('What is the PRICE, please?'))).toEqual(['contains']);
    expect(match(set, text('priceless'))).toEqual([]);
  });

  it('matches a regex over the text, lower-cased when case-insensitive', () => {
    const set = new RuleSet([rule({ type: 'regex', pattern: 'order\\s*#?\\d{4}', caseInsensitive: true }, { name: 'order' })]);
    expect(match(set, text('ORDER #4711 late'))).toEqual(['order']);
    expect(match(set, text('order 12'))).toEqual([]);
  });

  it('matches reply buttons, list rows and template quick replies by id (Meta\'s fixtures)', () => {
    const set = new RuleSet([rule({ type: 'interactive', ids: ['callback_data'] }, { name: 'button' })]);
    expect(match(set, fixtureMessage('message-interactive-button-reply--pywa-1.json'))).toEqual(['button']);
    expect(match(set, fixtureMessage('message-interactive-list-reply--pywa-1.json'))).toEqual(['button']);
    expect(match(set, fixtureMessage('message-button--pywa-1.json'))).toEqual(['button']);
    expect(match(set, text('callback_data'))).toEqual([]);
  });

  it('welcomes the first message ever and request_welcome, and nothing else answers request_welcome', () => {
    const welcome = rule({ type: 'welcome' }, { name: 'welcome' });
    const any = rule({ type: 'any' }, { name: 'any' });
    const set = new RuleSet([welcome, any]);
    expect(match(set, text('hi'), true)).toEqual(['welcome']);
    expect(match(set, text('hi'), false)).toEqual(['any']);
    expect(match(set, fixtureMessage('message-request-welcome--pywa-1.json'), false)).toEqual(['welcome']);
    expect(match(new RuleSet([any]), fixtureMessage('message-request-welcome--pywa-1.json'), true)).toEqual([]);
  });

  it('sends the away message only outside the opening hours (fake clock)', () => {
    const set = new RuleSet([rule({ type: 'away', timezone: 'Europe/Berlin', schedule: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] }, { name: 'away' })]);
    clock.set(Date.UTC(2026, 0, 5, 10, 0)); // Monday 11:00 in Berlin
    expect(match(set, text('hello'))).toEqual([]);
    clock.set(Date.UTC(2026, 0, 5, 17, 30)); // 18:30
    expect(match(set, text('hello'))).toEqual(['away']);
    clock.set(Date.UTC(2026, 0, 10, 10, 0)); // Saturday
    expect(match(set, text('hello'))).toEqual(['away']);
    clock.set(Date.UTC(2026, 0, 5, 10, 0));
  });

  it('fires rules in order until the first without continueAfter; disabled rules never', () => {
    const a = rule({ type: 'any' }, { name: 'tag-all', continueAfter: true, actions: [{ type: 'tag', tags: ['seen'] }] });
    const off = rule({ type: 'any' }, { name: 'off', enabled: false });
    const b = rule({ type: 'keyword', keywords: ['hi'], match: 'exact' }, { name: 'hi' });
    const c = rule({ type: 'any' }, { name: 'fallback' });
    const set = new RuleSet([c, b, off, a].map((r, i) => ({ ...r, position: [40, 20, 15, 10][i]! })));
    expect(match(set, text('hi'))).toEqual(['tag-all', 'hi']);
    expect(match(set, text('something else'))).toEqual(['tag-all', 'fallback']);
  });

  it('lets only opt-out rules answer an opt-out keyword, and triggers nothing on reactions or edits', () => {
    const optOut = rule({ type: 'opt_out', keywords: ['STOP'] }, { name: 'opt-out', actions: [{ type: 'tag', tags: ['opted-out'] }] });
    const any = rule({ type: 'any' }, { name: 'any' });
    const set = new RuleSet([any, optOut]);
    expect(match(set, text('Stop!'))).toEqual(['opt-out']);
    expect(match(set, text("don't stop"))).toEqual(['any']);
    expect(match(set, fixtureMessage('message-reaction--pywa-1.json'))).toEqual([]);
    expect(match(set, fixtureMessage('message-edit--pywa-1.json'))).toEqual([]);
  });

  it('skips a stored rule it cannot compile instead of failing the number\'s evaluation', () => {
    const broken = rule({ type: 'regex', pattern: '(a)\\1' }, { name: 'broken' });
    const any = rule({ type: 'any' }, { name: 'any' });
    const set = new RuleSet([broken, any]);
    expect(set.broken).toEqual([{ id: broken.id, reason: expect.stringMatching(/linear time/) }]);
    expect(match(set, text('aa'))).toEqual(['any']);
  });
});
