import type { DataSource } from 'typeorm';
import { pgPool } from './pg-pool';
import { quoteIdent } from './schema-name';

/** Runs one statement and answers how many rows it touched. */
export type RowCountRunner = (sql: string, params: unknown[]) => Promise<number>;

/** A runner over the pg pool under a TypeORM DataSource (TypeORM's `query` reshapes DELETE results). */
export function rowCountRunner(ds: DataSource): RowCountRunner {
  return async (sql, params) => (await pgPool(ds).query(sql, params)).rowCount ?? 0;
}

const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `DELETE FROM <table> WHERE <where>` in chunks of `chunk` rows, each its own statement (short
 * row locks, no long transaction), until nothing matching is left. `where` uses `$1…$n` for
 * `params`. Returns how many rows went. The rows of a chunk are picked by ctid, so the table
 * needs no particular key; an index on the columns of `where` keeps each pick cheap.
 */
export async function deleteInChunks(
  db: DataSource | RowCountRunner,
  table: string,
  where: string,
  params: unknown[],
  chunk = 5000,
): Promise<number> {
  if (!TABLE.test(table)) throw new Error(`invalid table name "${table}"`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`chunk must be a positive integer, got ${chunk}`);
  const run = typeof db === 'function' ? db : rowCountRunner(db);
  const t = quoteIdent(table);
  const sql = `DELETE FROM ${t} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${t} WHERE ${where} LIMIT $${params.length + 1}))`;
  let total = 0;
  for (;;) {
    const n = await run(sql, [...params, chunk]);
    total += n;
    if (n < chunk) return total;
  }
}
