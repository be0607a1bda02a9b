import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createServiceDataSource, freshTestSchema, TestSchema } from '@wabridge/database';
import { Pg } from './pg';

// Issue 11's Postgres drill: a fast shutdown terminates every backend (57P01). A client checked
// out by `Pg.transaction` that is between two queries at that moment got the FATAL as an 'error'
// event with no listener, and the uncaught exception took the whole dispatcher down.
describe('Pg.transaction when the server terminates the connection mid-transaction', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let pg: Pg;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => { uncaught.push(err); };

  beforeAll(async () => {
    schema = await freshTestSchema('dispatcher_pg');
    ds = createServiceDataSource({ url: schema.url, schema: schema.schema, poolSize: 2 });
    await ds.initialize();
    pg = new Pg(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await schema?.drop();
  });
  beforeEach(() => {
    uncaught.length = 0;
    process.prependListener('uncaughtException', onUncaught);
  });
  afterEach(() => { process.removeListener('uncaughtException', onUncaught); });

  it('rejects the transaction instead of crashing the process, and the pool serves the next query', async () => {
    const admin = new Client({ connectionString: schema.url });
    await admin.connect();
    try {
      const tx = pg.transaction(async (q) => {
        const pid = Number((await q('SELECT pg_backend_pid() AS pid')).rows[0]!['pid']);
        // Terminated while this transaction holds the client but runs no query (e.g. it awaits other work).
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await new Promise((r) => setTimeout(r, 300));
        return q('SELECT 1');
      });
      await expect(tx).rejects.toThrow();
      expect(uncaught).toEqual([]);
      // The broken client was discarded, not handed out again.
      for (let i = 0; i < 4; i++) expect((await pg.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await expect(pg.transaction(async (q) => (await q('SELECT 2 AS two')).rows)).resolves.toEqual([{ two: 2 }]);
    } finally {
      await admin.end();
    }
  });
});
