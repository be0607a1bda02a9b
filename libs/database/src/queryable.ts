/**
 * Anything that runs SQL: the DataSource, or the EntityManager of a transaction. Repositories
 * take one so the same statement runs alone or inside a transaction a service opened.
 *
 * It answers what TypeORM's `query` answers: rows for SELECT and INSERT, but
 * `[rows, affectedCount]` for UPDATE and DELETE (also with RETURNING) — read those through
 * `returnedRows`.
 */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}
