import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Pg } from './pg';
import { createServiceDataSource } from './service-data-source';
import { freshTestSchema, TestSchema } from './testing/fresh-test-schema';

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
    schema = await freshTestSchema('database_pg');
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

describe('Pg.query and Pg.deleteInChunks', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let pg: Pg;

  beforeAll(async () => {
    schema = await freshTestSchema('database_pg_rows');
    ds = createServiceDataSource({ url: schema.url, schema: schema.schema, poolSize: 2 });
    await ds.initialize();
    pg = new Pg(ds);
    await pg.query('CREATE TABLE items (n int NOT NULL)');
    await pg.query('INSERT INTO items SELECT g FROM generate_series(1, 23) g');
  });
  afterAll(async () => {
    await ds?.destroy();
    await schema?.drop();
  });

  it("answers pg's own rows and count for an UPDATE … RETURNING (not TypeORM's [rows, count] pair)", async () => {
    const r = await pg.query<{ n: number }>('UPDATE items SET n = n WHERE n <= $1 RETURNING n', [3]);
    expect(r.rowCount).toBe(3);
    expect(r.rows.map((x) => x.n).sort()).toEqual([1, 2, 3]);
  });

  it('deletes every matching row in chunks and leaves the others', async () => {
    expect(await pg.deleteInChunks('items', 'n > $1', [10], 5)).toBe(13);
    expect((await pg.query<{ c: string }>('SELECT count(*) AS c FROM items')).rows[0]!.c).toBe('10');
  });
});
