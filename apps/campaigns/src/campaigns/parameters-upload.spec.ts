import { renderComponents, usesCsv } from '../audience/template-parameters';
import { parameterColumns, waIdOf } from './parameters-upload';

describe('campaign parameters CSV (ADR 0156)', () => {
  it('takes a header waId (or phone) and named columns, refusing the rest with a clear message', () => {
    expect(parameterColumns(['waId', 'code', ' city '])).toEqual(['code', 'city']);
    expect(parameterColumns(['phone', 'x'])).toEqual(['x']);
    expect(() => parameterColumns(['name', 'code'])).toThrow(/must start with "waId"/);
    expect(() => parameterColumns(['waId'])).toThrow(/no parameter column/);
    expect(() => parameterColumns(['waId', 'a b'])).toThrow(/letters, digits and _/);
    expect(() => parameterColumns(['waId', 'a', 'a'])).toThrow(/unique/);
    expect(() => parameterColumns(['waId', ...Array.from({ length: 21 }, (_, i) => `c${i}`)])).toThrow(/at most 20/);
  });

  it('reads a wa_id from a phone as people write it', () => {
    expect(waIdOf('+49 (151) 123-45678')).toBe('4915112345678');
    expect(waIdOf('abc')).toEqual({ error: expect.stringContaining('not a phone number') });
    expect(waIdOf('123')).toEqual({ error: expect.any(String) });
  });

  it('leaves {{csv.x}} for the CSV row in the contact\'s render, then fills it or reports it missing', () => {
    const components = [{ type: 'body', parameters: [{ type: 'text', text: '{{profileName}}: {{csv.code}}' }, { type: 'text', text: '{{csv.city|there}}' }] }];
    expect(usesCsv(components)).toBe(true);
    expect(usesCsv([{ type: 'body', parameters: [{ type: 'text', text: '{{attributes.csv}}' }] }])).toBe(false);
    const own = renderComponents(components, { profileName: 'Ana' });
    expect(own).toEqual({ ok: true, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana: {{csv.code}}' }, { type: 'text', text: '{{csv.city|there}}' }] }] });
    const filled = renderComponents((own as { components: unknown[] }).components, { csv: { code: 'A-1', city: '' } });
    expect(filled).toEqual({ ok: true, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana: A-1' }, { type: 'text', text: 'there' }] }] });
    expect(renderComponents((own as { components: unknown[] }).components, { csv: null })).toEqual({ ok: false, missing: 'csv.code' });
  });
});
