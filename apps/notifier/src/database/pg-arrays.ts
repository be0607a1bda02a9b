/**
 * Array parameters as Postgres array literals, for elements that never need quoting (digits, ISO
 * timestamps). Given a JavaScript array, pg converts and escapes every element in JavaScript
 * (`prepareValue`, `escapeElement`, and `dateToString` for each Date: ~3 % of the notifier's CPU in
 * the bench's burst; ADR 0201); given a string, it sends it as is.
 */

/** `bigint[]` from ids that are bigints as text. */
export function bigintArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/** `int[]` from integers; null and undefined are NULL. */
export function intArray(values: readonly (number | null | undefined)[]): string {
  let s = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    s += `${i > 0 ? ',' : ''}${v === null || v === undefined ? 'NULL' : Math.trunc(v)}`;
  }
  return `${s}}`;
}

/** `timestamptz[]` from Dates (ISO 8601 in UTC: exact to the millisecond, as pg sends a Date). */
export function timestamptzArray(dates: readonly Date[]): string {
  let s = '{';
  for (let i = 0; i < dates.length; i++) s += `${i > 0 ? ',' : ''}${dates[i]!.toISOString()}`;
  return `${s}}`;
}
