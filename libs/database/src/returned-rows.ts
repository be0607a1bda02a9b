/**
 * The rows a statement returned. TypeORM's postgres `query()` answers UPDATE and DELETE (also
 * with RETURNING) with `[rows, affectedCount]` and every other statement with the rows alone, so
 * `(await ds.query('UPDATE … RETURNING id')).length` is 2 whether a row matched or not.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
