import { DEFAULT_KEYWORDS, keywordSet, matchKeyword, normalizeKeyword, userText } from './keywords';

describe('opt-out keywords', () => {
  it.each([
    ['STOP'], ['stop'], [' Stop! '], ['UNSUBSCRIBE'], ['Stopp'], ['arrêt'], ['ARRET'], ['Baja'], ['parar.'], ['🛑 STOP 🛑'], ['opt   out'],
  ])('treats %p as an opt-out by default', (text) => {
    expect(matchKeyword(text, DEFAULT_KEYWORDS)).toBe('opt_out');
  });

  it.each([['please stop sending'], ['stopping by later'], ['non-stop'], [''], ['   '], ['!!!']])('does not opt out on %p', (text) => {
    expect(matchKeyword(text, DEFAULT_KEYWORDS)).toBeUndefined();
  });

  it('recognizes opt-in keywords such as START', () => {
    expect(matchKeyword('start', DEFAULT_KEYWORDS)).toBe('opt_in');
  });

  it('uses a tenant list instead of the defaults', () => {
    const custom = keywordSet(['NO MORE', 'Désabonner'], ['YES PLEASE']);
    expect(matchKeyword('no more!', custom)).toBe('opt_out');
    expect(matchKeyword('desabonner', custom)).toBe('opt_out');
    expect(matchKeyword('STOP', custom)).toBeUndefined();
    expect(matchKeyword('yes please', custom)).toBe('opt_in');
  });

  it('normalizes case, accents, spacing and surrounding punctuation', () => {
    expect(normalizeKeyword('  Arrêt\t maintenant ! ')).toBe('ARRET MAINTENANT');
  });

  it('reads the text of text messages, quick-reply buttons and interactive replies only', () => {
    expect(userText('text', { text: { body: 'STOP' } })).toBe('STOP');
    expect(userText('button', { button: { text: 'Stop promotions', payload: 'p' } })).toBe('Stop promotions');
    expect(userText('interactive', { interactive: { type: 'button_reply', button_reply: { id: '1', title: 'Unsubscribe' } } })).toBe('Unsubscribe');
    expect(userText('interactive', { interactive: { type: 'list_reply', list_reply: { id: '1', title: 'Baja' } } })).toBe('Baja');
    expect(userText('image', { image: { caption: 'STOP' } })).toBeUndefined();
    expect(userText('text', { text: 'malformed' })).toBeUndefined();
  });
});
