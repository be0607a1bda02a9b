import { renderComponents } from './template-parameters';

const components = [{ type: 'body', parameters: [{ type: 'text', text: '{{attributes.firstName|there}}' }, { type: 'text', text: 'order {{ attributes.order }} for {{profileName}}' }] }];

describe('per-contact template parameters', () => {
  it('fills each placeholder from the contact', () => {
    expect(renderComponents(components, { profileName: 'Ana', attributes: { firstName: 'Ana', order: 42 } })).toEqual({
      ok: true, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'order 42 for Ana' }] }],
    });
  });

  it('uses the fallback, and names the first field missing without one', () => {
    expect(renderComponents(components, { profileName: 'Bo', attributes: { order: 7 } })).toMatchObject({ ok: true, components: [{ parameters: [{ text: 'there' }, { text: 'order 7 for Bo' }] }] });
    expect(renderComponents(components, { profileName: 'Bo', attributes: {} })).toEqual({ ok: false, missing: 'attributes.order' });
  });

  it('leaves components without placeholders (and none at all) as they are', () => {
    const plain = [{ type: 'body', parameters: [{ type: 'text', text: 'hello' }] }];
    expect(renderComponents(plain, {})).toEqual({ ok: true, components: plain });
    expect(renderComponents(undefined, {})).toEqual({ ok: true, components: undefined });
  });
});
