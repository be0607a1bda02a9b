import { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/** The pg pool under a TypeORM DataSource: hot-path SQL without TypeORM's result reshaping. */
export class Pg {
  constructor(private readonly ds: DataSource) {}

  private get pool(): Pool {
    return (this.ds.driver as unknown as { master: Pool }).master;
  }

  async query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number }> {
    const r = await this.pool.query<R>(sql, params);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }

  /**
   * `DELETE FROM <table> WHERE <where>` in chunks of `chunk` rows (short locks, no long scan
   * holding them), until none is left. `where` uses `$1…$n` for `params`. Returns the count.
   */
  async deleteInChunks(table: string, where: string, params: unknown[], chunk: number): Promise<number> {
    const sql = `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT $${params.length + 1})`;
    let total = 0;
    for (;;) {
      const { rowCount } = await this.query(sql, [...params, chunk]);
      total += rowCount;
      if (rowCount < chunk) return total;
    }
  }

  async transaction<T>(fn: (q: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn((sql, params) => client.query(sql, params));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
