import {
  checkMessageObject, checkSendBody, describeViolation, dottedPath, graphDetails, GRAPH_CODE_OF, metaParamPath, normalizeRecipientPhone,
  officialSendExamples, sendRuleCorpus, SendRuleViolation,
} from './index';

const send = (extra: Record<string, unknown>) => ({ messaging_product: 'whatsapp', to: '+14155550123', ...extra });
const verdict = (body: unknown) => checkSendBody(body).violations;
const only = (violations: SendRuleViolation[]) => violations.map((v) => [dottedPath(v.path), v.kind]);

describe('send rules (one table for the gateway and the sandbox)', () => {
  it('accepts every official example of Meta\'s spec once its placeholders are filled', () => {
    const examples = officialSendExamples();
    expect(examples.length).toBeGreaterThan(30);
    for (const ex of examples) expect([ex.name, verdict(ex.body)]).toEqual([ex.name, []]);
  });

  it('builds a corpus in which most mutations break a rule', () => {
    const corpus = sendRuleCorpus();
    const refused = corpus.filter((c) => verdict(c.body).length > 0);
    expect(corpus.length).toBeGreaterThan(500);
    expect(refused.length / corpus.length).toBeGreaterThan(0.6);
  });

  it('counts list rows across sections', () => {
    const rows = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ id: `${p}${i}`, title: 't' }));
    const v = checkMessageObject('interactive', { type: 'list', body: { text: 'b' }, action: { button: 'b', sections: [{ title: 'a', rows: rows(6, 'a') }, { title: 'b', rows: rows(5, 'b') }] } });
    expect(only(v)).toEqual([['interactive.action.sections', 'invalid']]);
    expect(describeViolation(v[0]!)).toBe('interactive.action.sections may hold at most 10 rows in total (got 11)');
  });

  it('allows an empty emoji to remove a reaction, but not two emoji', () => {
    expect(checkMessageObject('reaction', { message_id: 'wamid.x', emoji: '' })).toEqual([]);
    expect(only(checkMessageObject('reaction', { message_id: 'wamid.x', emoji: '👍👍' }))).toEqual([['reaction.emoji', 'invalid']]);
  });

  it('wants reply buttons with unique ids and titles', () => {
    const button = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
    const v = checkMessageObject('interactive', { type: 'button', body: { text: 'b' }, action: { buttons: [button('a', 'Yes'), button('b', 'Yes')] } });
    expect(only(v)).toEqual([['interactive.action.buttons[1].reply.title', 'invalid']]);
  });

  it('accepts the interactive kinds Meta documents beyond its v23 schema (cta_url, voice_call, catalog_message)', () => {
    const interactive = (i: Record<string, unknown>) => verdict(send({ type: 'interactive', interactive: { body: { text: 'b' }, ...i } }));
    expect(interactive({ type: 'cta_url', action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com' } } })).toEqual([]);
    expect(interactive({ type: 'voice_call', action: { name: 'voice_call', parameters: { display_text: 'Call us' } } })).toEqual([]);
    expect(interactive({ type: 'catalog_message', action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: 'sku1' } } })).toEqual([]);
    expect(only(interactive({ type: 'cta_url', action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'ftp://x' } } }))).toEqual([['interactive.action.parameters.url', 'invalid']]);
  });

  it('refuses what Meta refuses before sending, with the kind Meta answers it with', () => {
    expect(only(verdict({ to: '14155550123', text: { body: 'x' } }))).toEqual([['messaging_product', 'malformed']]);
    expect(only(verdict(send({ text: {} })))).toEqual([['text.body', 'missing']]);
    expect(only(verdict(send({ text: { body: 'x'.repeat(4097) } })))).toEqual([['text.body', 'invalid']]);
    expect(only(verdict(send({ type: 'image', image: { caption: 'c' } })))).toEqual([['image.id', 'missing']]);
    expect(only(verdict(send({ type: 'audio', audio: { id: '1', caption: 'c' } })))).toEqual([['audio.caption', 'invalid']]);
    expect(only(verdict(send({ type: 'text', text: { body: 'x' }, image: { id: '1' } })))).toEqual([['image', 'malformed']]);
    expect(only(verdict(send({ type: 'poll', poll: {} })))).toEqual([['type', 'malformed']]);
    expect(only(verdict(send({ to: '+1 000', text: { body: 'x' } })))).toEqual([['to', 'malformed']]);
    expect(only(verdict({ messaging_product: 'whatsapp', text: { body: 'x' } }))).toEqual([['to', 'malformed']]);
    expect(only(verdict(send({ text: { body: 'x' }, biz_opaque_callback_data: 'x'.repeat(513) })))).toEqual([['biz_opaque_callback_data', 'invalid']]);
    expect(only(verdict('text'))).toEqual([['', 'malformed']]);
  });

  it('addresses a user by business-scoped id when there is no phone number', () => {
    const checked = checkSendBody({ messaging_product: 'whatsapp', recipient: 'US.13491208655302741918', text: { body: 'x' } });
    expect(checked.violations).toEqual([]);
    expect(checked.send).toMatchObject({ type: 'text', recipient: 'US.13491208655302741918' });
    expect(checkSendBody({ messaging_product: 'whatsapp', recipient: 'US.ENT.42', text: { body: 'x' } }).violations).toEqual([]);
    expect(only(verdict({ messaging_product: 'whatsapp', recipient: 'not-an-id', text: { body: 'x' } }))).toContainEqual(['recipient', 'malformed']);
  });

  it('normalizes phone numbers to Meta digits and rejects impossible ones', () => {
    expect(normalizeRecipientPhone('+1 (415) 555-0123')).toBe('14155550123');
    expect(normalizeRecipientPhone('4915112345678')).toBe('4915112345678');
    expect(normalizeRecipientPhone('+1 000')).toBeUndefined();
    expect(normalizeRecipientPhone(42)).toBeUndefined();
  });

  it('names a violation for our API and for a Graph error', () => {
    const v: SendRuleViolation = { path: ['interactive', 'action', 'buttons', 0, 'reply', 'title'], kind: 'invalid', reason: 'must be at most 20 characters (got 25)' };
    expect(dottedPath(v.path)).toBe('interactive.action.buttons[0].reply.title');
    expect(metaParamPath(v.path)).toBe("interactive['action']['buttons'][0]['reply']['title']");
    expect(graphDetails(v)).toBe("Param interactive['action']['buttons'][0]['reply']['title'] must be at most 20 characters (got 25).");
    expect(graphDetails({ path: ['text', 'body'], kind: 'missing', reason: 'is required' })).toBe("The parameter text['body'] is required.");
    expect(GRAPH_CODE_OF).toEqual({ missing: 131008, invalid: 131009, malformed: 100 });
  });
});
