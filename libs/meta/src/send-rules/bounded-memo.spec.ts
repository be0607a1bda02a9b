import { boundedMemo } from './bounded-memo';
import { normalizeRecipientPhone } from './send-body.rules';

describe('boundedMemo', () => {
  it('computes each key once while it is kept, and keeps no more than its bound (oldest dropped first)', () => {
    const calls: string[] = [];
    const memo = boundedMemo((k: string) => {
      calls.push(k);
      return k.length > 1 ? k.toUpperCase() : undefined;
    }, 2);
    expect([memo('ab'), memo('ab'), memo('c'), memo('c')]).toEqual(['AB', 'AB', undefined, undefined]);
    expect(calls).toEqual(['ab', 'c']);
    memo('de'); // drops 'ab', the oldest
    expect(memo.size).toBe(2);
    memo('c');
    memo('ab');
    expect(calls).toEqual(['ab', 'c', 'de', 'ab']);
  });

  it('never keeps keys longer than its key bound', () => {
    const memo = boundedMemo((k: string) => k.length, 10, 4);
    expect(memo('12345')).toBe(5);
    expect(memo.size).toBe(0);
  });
});

describe('normalizeRecipientPhone with its memo', () => {
  it('answers a repeated number as it did the first time, for possible and impossible numbers alike', () => {
    for (const to of ['+1 (415) 555-0123', '4915112345678', '+1 000', ' +44 7700 900123 ']) {
      const first = normalizeRecipientPhone(to);
      expect([to, normalizeRecipientPhone(to), normalizeRecipientPhone(to)]).toEqual([to, first, first]);
    }
    expect(normalizeRecipientPhone('+1 (415) 555-0123')).toBe('14155550123');
    expect(normalizeRecipientPhone('+1 000')).toBeUndefined();
  });
});
