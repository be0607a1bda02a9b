import { Client } from 'pg';
import { deleteInChunks, freshTestSchema, type RowCountRunner, type TestSchema } from './index';

describe('deleteInChunks (real Postgres)', () => {
  let schema: TestSchema;
  let c: Client;
  let statements: number;
  let run: RowCountRunner;

  beforeAll(async () => {
    schema = await freshTestSchema('chunks');
    c = new Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
    await c.connect();
    run = async (sql, params) => {
      statements++;
      return (await c.query(sql, params)).rowCount ?? 0;
    };
  });
  afterAll(async () => {
    await c.end();
    await schema.drop();
  });
  beforeEach(async () => {
    statements = 0;
    await c.query('DROP TABLE IF EXISTS rows_t');
    await c.query('CREATE TABLE rows_t (id int PRIMARY KEY, at timestamptz NOT NULL)');
    // 25 old rows, 5 recent ones
    await c.query(`INSERT INTO rows_t SELECT g, now() - interval '10 days' FROM generate_series(1, 25) g`);
    await c.query(`INSERT INTO rows_t SELECT g, now() FROM generate_series(26, 30) g`);
  });

  it('deletes every matching row in chunks until none is left, and keeps the others', async () => {
    const n = await deleteInChunks(run, 'rows_t', `at < now() - make_interval(days => $1)`, [1], 10);
    expect(n).toBe(25);
    expect(statements).toBe(3); // 10 + 10 + 5
    const left = await c.query<{ id: number }>('SELECT id FROM rows_t ORDER BY id');
    expect(left.rows.map((r) => r.id)).toEqual([26, 27, 28, 29, 30]);
  });

  it('needs one more statement to see nothing is left when the count is a multiple of the chunk', async () => {
    expect(await deleteInChunks(run, 'rows_t', 'at < now() - make_interval(days => $1)', [1], 5)).toBe(25);
    expect(statements).toBe(6);
  });

  it('refuses a table name that is not a plain identifier', async () => {
    await expect(deleteInChunks(run, 'rows_t; DROP TABLE x', 'true', [], 10)).rejects.toThrow(/invalid table name/);
  });
});
