import type { Pool, QueryResult, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { deleteInChunks } from './delete-in-chunks';
import { pgPool } from './pg-pool';

/** A statement run on a client checked out for one transaction: pg's own result rows. */
export type PgTransactionQuery = (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * The pg pool under a TypeORM DataSource: hot-path SQL without TypeORM's result reshaping
 * (ADR 0188).
 */
export class Pg {
  constructor(private readonly ds: DataSource) {}

  private get pool(): Pool {
    return pgPool(this.ds);
  }

  async query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number }> {
    const r = await this.pool.query<R>(sql, params);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }

  /**
   * `DELETE FROM <table> WHERE <where>` in chunks of `chunk` rows (short locks, no long scan
   * holding them), until none is left. `where` uses `$1…$n` for `params`. Returns the count.
   */
  deleteInChunks(table: string, where: string, params: unknown[], chunk: number): Promise<number> {
    return deleteInChunks(async (sql, p) => (await this.query(sql, p)).rowCount, table, where, params, chunk);
  }

  /**
   * One transaction on a checked-out client. While checked out, the pool no longer listens for
   * the client's 'error' events: a connection the server ends (a Postgres restart sends 57P01
   * to every backend) while no query runs would emit one with no listener and crash the
   * process. We listen, fail the transaction, and hand the broken client back to be discarded.
   */
  transaction<T>(fn: (q: PgTransactionQuery) => Promise<T>): Promise<T> {
    return this.onClient('BEGIN', (_begun, q) => fn(q));
  }

  /**
   * `transaction`, with the first statement sent together with `BEGIN` (one round trip less,
   * ADR 0210): `begin` is a simple-protocol query string (no parameters) of `BEGIN;` and one
   * statement; `fn` gets that statement's rows. Committed after `fn`, rolled back if anything fails.
   */
  transactionBegunWith<R extends QueryResultRow, T>(begin: string, fn: (rows: R[], q: PgTransactionQuery) => Promise<T>): Promise<T> {
    if (!/^BEGIN;/.test(begin)) throw new Error('transactionBegunWith: the query string must start with BEGIN;');
    return this.onClient(begin, (begun, q) => fn((begun as QueryResult<R>[])[1]!.rows, q));
  }

  private async onClient<T>(begin: string, fn: (begun: unknown, q: PgTransactionQuery) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error): void => { broken ??= err; };
    client.on('error', onError);
    try {
      const begun: unknown = await client.query(begin);
      const result = await fn(begun, (sql, params) => client.query(sql, params));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => { broken ??= rollbackErr; });
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
}
