import { join } from 'node:path';
import { Client } from 'pg';
import { freshTestSchema, DEFAULT_TEST_DATABASE_URL, type TestSchema } from '../index';
import { loadMigrationClasses, migrate } from './migrate';

const url = process.env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
const dir = join(__dirname, '__fixtures__', 'migrations');

describe('migrate (the migration Job entry point)', () => {
  let t: TestSchema;
  beforeEach(async () => {
    t = await freshTestSchema('migrate_cli', { url });
  });
  afterEach(() => t.drop());

  it('collects each migration class of a folder once, index re-exports included', () => {
    expect(loadMigrationClasses(dir).map((m) => m.name).sort()).toEqual(['CreateWidgets1700000000000', 'WidgetNames1700000000001']);
  });

  it('runs the pending migrations of a schema in order, and nothing on a second run', async () => {
    expect(await migrate({ url, schema: t.schema, dir, createDatabase: false })).toEqual(['CreateWidgets1700000000000', 'WidgetNames1700000000001']);
    expect(await migrate({ url, schema: t.schema, dir, createDatabase: false })).toEqual([]);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const cols = await client.query('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name', [t.schema, 'widgets']);
      expect(cols.rows.map((r: { column_name: string }) => r.column_name)).toEqual(['id', 'name']);
    } finally {
      await client.end();
    }
  });

  it('refuses a folder without migrations instead of reporting an up-to-date schema', async () => {
    await expect(migrate({ url, schema: t.schema, dir: __dirname + '/__fixtures__', createDatabase: false })).rejects.toThrow('no migration classes');
  });
});
