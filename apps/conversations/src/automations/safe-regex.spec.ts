import { compileSafeRegex, MAX_PATTERN_LENGTH, UnsafePatternError } from './safe-regex';

describe('safe regular expressions', () => {
  it('matches an ordinary pattern', () => {
    const re = compileSafeRegex('order\\s*#?(\\d{3,})');
    expect(re.test('where is order #4711?')).toBe(true);
    expect(re.test('where is my order?')).toBe(false);
  });

  it('matches a catastrophic pattern in bounded time (after 10,000 backtracks the match falls back to the linear engine)', () => {
    const re = compileSafeRegex('^(a+)+$');
    const evil = `${'a'.repeat(50_000)}!`;
    const t0 = process.hrtime.bigint();
    expect(re.test(evil)).toBe(false);
    // plain backtracking needs 2^50000 steps here; with the fallback a few milliseconds (bound loose for loaded CI)
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(5_000);
  });

  it.each([
    ['(a)\\1', /linear time/],
    ['a(?=b)', /linear time/],
    ['(', /not a valid regular expression/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), /1-200 characters/],
    ['', /1-200 characters/],
  ])('refuses %p', (pattern, reason) => {
    expect(() => compileSafeRegex(pattern)).toThrow(UnsafePatternError);
    expect(() => compileSafeRegex(pattern)).toThrow(reason);
  });

  it('matches lower-cased text for a case-insensitive rule, whose pattern must be lower case', () => {
    expect(() => compileSafeRegex('Hello', true)).toThrow(/lower case/);
    const re = compileSafeRegex('hello\\s\\S+', true);
    expect(re.test('hello World'.toLowerCase())).toBe(true);
  });
});
