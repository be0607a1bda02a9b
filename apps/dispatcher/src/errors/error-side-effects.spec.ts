import { ManualClock } from '../common/clock';
import { StateStore } from '../state/state.store';
import { ErrorSideEffects, FailedSend } from './error-side-effects';

/** What the side effects asked of the state store (the store's SQL is covered by the int tests). */
function recordingStore() {
  const calls: { holds: [string, string, number][]; templates: [string, string, string, string][]; categories: [string, string, string, string][] } = { holds: [], templates: [], categories: [] };
  const store = {
    learnTemplateCategory: async (wabaId: string, name: string, language: string, category: string) => { calls.categories.push([wabaId, name, language, category]); },
    holdMarketing: async (businessId: string, recipient: string, until: number) => { calls.holds.push([businessId, recipient, until]); },
    markTemplateStatus: async (wabaId: string, name: string, language: string, status: string) => { calls.templates.push([wabaId, name, language, status]); },
  } as unknown as StateStore;
  return { store, calls };
}

const send: FailedSend = { businessId: 'biz-1', wabaId: 'waba-1', recipient: '4915100000001', template: { name: 'spring_sale', language: { code: 'en_US' } } };

describe('the taxonomy\'s actions beyond retry/fail/pause', () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 6));

  it('holds the user for marketing for 24 h after 131049, per business portfolio', async () => {
    const { store, calls } = recordingStore();
    await new ErrorSideEffects(store, clock).apply({ class: 'quality', code: 131049 }, send);
    expect(calls.holds).toEqual([['biz-1', '4915100000001', clock.now() + 24 * 3600_000]]);
    expect(calls.categories).toEqual([['waba-1', 'spring_sale', 'en_US', 'MARKETING']]); // only marketing templates draw 131049
    expect(calls.templates).toEqual([]);
  });

  it('marks a template PAUSED after 132015 and DISABLED after 132016; other template errors change no status', async () => {
    const { store, calls } = recordingStore();
    const effects = new ErrorSideEffects(store, clock);
    await effects.apply({ class: 'template', code: 132015 }, send);
    await effects.apply({ class: 'template', code: 132016 }, send);
    await effects.apply({ class: 'template', code: 132001 }, send);
    expect(calls.templates).toEqual([['waba-1', 'spring_sale', 'en_US', 'PAUSED'], ['waba-1', 'spring_sale', 'en_US', 'DISABLED']]);
    expect(calls.holds).toEqual([]);
  });

  it('does nothing for other quality errors (131048), throttles, or classes the taxonomy does not know', async () => {
    const { store, calls } = recordingStore();
    const effects = new ErrorSideEffects(store, clock);
    await effects.apply({ class: 'quality', code: 131048 }, send);
    await effects.apply({ class: 'throttled', code: 130429 }, send);
    await effects.apply({ class: 'compliance' }, send);
    expect(calls).toEqual({ holds: [], templates: [], categories: [] });
  });
});
