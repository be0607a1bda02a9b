/** Anything that runs SQL: the DataSource, or an EntityManager inside a transaction. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}
