import { bigintArray, intArray, timestamptzArray } from './pg-arrays';

describe('array parameters written as Postgres array literals', () => {
  it('writes bigint ids, integers with NULLs and timestamps in UTC to the millisecond', () => {
    expect(bigintArray(['1', '42', '9007199254740993'])).toBe('{1,42,9007199254740993}');
    expect(bigintArray([])).toBe('{}');
    expect(intArray([200, null, undefined, 504])).toBe('{200,NULL,NULL,504}');
    expect(timestamptzArray([new Date(Date.UTC(2026, 11, 6, 16, 38, 5, 167)), new Date(0)])).toBe('{2026-12-06T16:38:05.167Z,1970-01-01T00:00:00.000Z}');
  });

  it('refuses an invalid date instead of sending garbage', () => {
    expect(() => timestamptzArray([new Date(Number.NaN)])).toThrow(RangeError);
  });
});
