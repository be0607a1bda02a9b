import { DataSource } from 'typeorm';
import { freshTestSchema, returnedRows, type TestSchema } from './index';

describe('returnedRows over a TypeORM DataSource (real Postgres)', () => {
  let schema: TestSchema;
  let ds: DataSource;

  beforeAll(async () => {
    schema = await freshTestSchema('returned');
    ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, extra: { options: `-c search_path=${schema.schema}` } });
    await ds.initialize();
    await ds.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await ds.query(`INSERT INTO t VALUES (1, 'a'), (2, 'b')`);
  });
  afterAll(async () => {
    await ds.destroy();
    await schema.drop();
  });

  it('gives no rows for an UPDATE … RETURNING that matched nothing (TypeORM answers [[], 0], whose length is 2)', async () => {
    const raw = await ds.query(`UPDATE t SET v = 'x' WHERE id = 99 RETURNING id`);
    expect(raw).toHaveLength(2);
    expect(returnedRows(raw)).toEqual([]);
  });

  it('gives the updated and deleted rows, and a SELECT\'s rows unchanged', async () => {
    expect(returnedRows<{ id: number }>(await ds.query(`UPDATE t SET v = 'y' WHERE id = 1 RETURNING id`))).toEqual([{ id: 1 }]);
    expect(returnedRows<{ id: number }>(await ds.query(`DELETE FROM t WHERE id = 2 RETURNING id`))).toEqual([{ id: 2 }]);
    expect(returnedRows<{ id: number; v: string }>(await ds.query('SELECT id, v FROM t ORDER BY id'))).toEqual([{ id: 1, v: 'y' }]);
  });
});
