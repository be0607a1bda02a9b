import { CsvParser, CsvSyntaxError } from '@wabridge/http';
import { csvRecordToObject, normalizeImportRow, normalizePhone } from './import-row';
import { JsonRowsParser, JsonRowsSyntaxError, RecordTooLargeError } from './json-rows-parser';

function csv(text: string, chunk = 3): { fields: string[]; line: number }[] {
  const p = new CsvParser();
  const out = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...p.push(text.slice(i, i + chunk)));
  return [...out, ...p.end()];
}

describe('CSV parsing, chunk by chunk', () => {
  it('splits records with quoted commas, doubled quotes, line breaks in quotes and CRLF, reporting start lines', () => {
    const text = '\uFEFFphone,name\r\n+491,"Doe, ""JD"""\r\n+492,"two\nlines"\n\n+493,plain';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(csv(text, size)).toEqual([
        { fields: ['phone', 'name'], line: 1 },
        { fields: ['+491', 'Doe, "JD"'], line: 2 },
        { fields: ['+492', 'two\nlines'], line: 3 },
        { fields: ['+493', 'plain'], line: 6 },
      ]);
    }
  });

  it('keeps empty fields and a trailing empty field', () => {
    expect(csv('a,,c,\n')).toEqual([{ fields: ['a', '', 'c', ''], line: 1 }]);
  });

  it('fails on a quote left open at the end, naming its line', () => {
    const p = new CsvParser();
    p.push('a\n"open');
    expect(() => p.end()).toThrow(CsvSyntaxError);
  });
});

describe('JSON rows, chunk by chunk', () => {
  function rows(text: string, chunk = 4): { text: string; line: number }[] {
    const p = new JsonRowsParser();
    const out = [];
    for (let i = 0; i < text.length; i += chunk) out.push(...p.push(text.slice(i, i + chunk)));
    return [...out, ...p.end()];
  }

  it('splits a JSON array into elements, with braces and brackets inside strings', () => {
    const text = '[\n {"a":"}]\\"{"},\n {"b":[1,{"c":2}]},\n 7\n]';
    expect(rows(text).map((r) => [JSON.parse(r.text), r.line])).toEqual([[{ a: '}]"{' }, 2], [{ b: [1, { c: 2 }] }, 3], [7, 4]]);
  });

  it('splits NDJSON by line and still yields a broken line so it can be reported', () => {
    expect(rows('{"a":1}\n{broken\n\n{"b":2}').map((r) => [r.text, r.line])).toEqual([['{"a":1}', 1], ['{broken', 2], ['{"b":2}', 4]]);
  });

  it('fails when an array is not closed', () => {
    const p = new JsonRowsParser();
    p.push('[{"a":1},');
    expect(() => p.end()).toThrow(JsonRowsSyntaxError);
  });
});

describe('record size limit', () => {
  const feed = (p: { push(t: string): unknown[] }, text: string, chunk = 1000): number => {
    let rows = 0;
    for (let i = 0; i < text.length; i += chunk) rows += p.push(text.slice(i, i + chunk)).length;
    return rows;
  };

  it('stops an NDJSON line as soon as it passes the limit, naming its line, after yielding the rows before it', () => {
    const p = new JsonRowsParser(1024);
    const err = (() => {
      try {
        feed(p, `{"a":1}\n{"b":2}\n{"big":"${'x'.repeat(5_000_000)}"}\n{"c":3}\n`, 64 * 1024);
      } catch (e) {
        return e as RecordTooLargeError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(RecordTooLargeError);
    expect(err).toMatchObject({ line: 3, limitBytes: 1024 });
  });

  it('counts UTF-8 bytes, not characters, and accepts a record at the limit', () => {
    expect(feed(new JsonRowsParser(10), '"éééé"\n')).toBe(1); // 10 bytes: yielded
    expect(() => feed(new JsonRowsParser(10), '"ééééé"\n')).toThrow(RecordTooLargeError); // 12 bytes
    expect(() => feed(new JsonRowsParser(64), `[{"a":1},{"b":"${'€'.repeat(30)}"}]`, 5)).toThrow(RecordTooLargeError);
  });

  it('stops an oversized CSV record, quoted or not, and keeps normal ones', () => {
    expect(feed(new CsvParser(',', 64), 'phone,name\n+491,ok\n')).toBe(2);
    expect(() => feed(new CsvParser(',', 64), `phone,name\n+491,${'y'.repeat(100)}\n`, 7)).toThrow(RecordTooLargeError);
    const p = new CsvParser(',', 64);
    expect(() => feed(p, `phone,name\n+491,"${'q""'.repeat(40)}"\n`, 3)).toThrow(expect.objectContaining({ line: 2 }));
  });
});

describe('import rows', () => {
  const limits = { maxAttributesBytes: 100 };

  it('normalizes phone numbers to E.164 and wa_id', () => {
    expect(normalizePhone('+49 151 2345 6701')).toEqual({ e164: '+4915123456701', waId: '4915123456701' });
    expect(normalizePhone('004915123456701')).toEqual({ e164: '+4915123456701', waId: '4915123456701' });
    expect(normalizePhone('4915123456701')).toEqual({ e164: '+4915123456701', waId: '4915123456701' });
    expect(normalizePhone('12')).toBeUndefined();
  });

  it('maps CSV columns, attr.* columns and ;-separated tags', () => {
    const obj = csvRecordToObject(['phone', 'name', 'tags', 'attr.city', 'optIn'], ['+4915123456701', ' Anna ', 'vip;b2b', 'Berlin', 'yes']);
    expect(normalizeImportRow(obj, { phoneNumberId: '100' }, limits)).toEqual({
      ok: true,
      row: { phoneNumberId: '100', waId: '4915123456701', phoneE164: '+4915123456701', profileName: 'Anna', attributes: { city: 'Berlin' }, tags: ['b2b', 'vip'], optIn: true },
    });
  });

  it.each([
    [{ phone: '+4915123456701' }, {}, /phoneNumberId/],
    [{ phone: 'abc' }, { phoneNumberId: '1' }, /phone: "abc" is not a valid phone number/],
    [{ phone: '+4915123456701', attributes: '{nope' }, { phoneNumberId: '1' }, /attributes: not valid JSON/],
    [{ phone: '+4915123456701', attributes: { x: 'y'.repeat(200) } }, { phoneNumberId: '1' }, /larger than 100 bytes/],
    [{ phone: '+4915123456701', tags: ['ok', '#bad'] }, { phoneNumberId: '1' }, /tags: /],
    [{ phone: '+4915123456701', optIn: 'maybe' }, { phoneNumberId: '1' }, /optIn/],
    ['a string', { phoneNumberId: '1' }, /not an object/],
  ])('refuses %j with a reason', (input, defaults, reason) => {
    const r = normalizeImportRow(input, defaults, limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(reason);
  });

  it('flags a CSV record with more fields than the header', () => {
    expect(csvRecordToObject(['phone'], ['1', '2'])).toBe('has 2 fields, the header has 1');
  });
});
