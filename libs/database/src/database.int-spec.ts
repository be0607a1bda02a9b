import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  createServiceDataSource,
  databaseReadinessCheck,
  ensureDatabase,
  freshTestSchema,
  isUniqueViolation,
  pgError,
  PgErrorCode,
  revertLastMigration,
  runMigrations,
  splitDatabaseUrl,
  uniqueViolationConstraint,
  type TestSchema,
} from './index';
import { CreateNotes1764000000000 } from './testing/__fixtures__/1764000000000-CreateNotes';
import { AddNoteTags1764000000001 } from './testing/__fixtures__/1764000000001-AddNoteTags';
import { BrokenHalfway1764000000002 } from './testing/__fixtures__/1764000000002-BrokenHalfway';
import { Note } from './testing/__fixtures__/note.entity';

const MIGRATIONS = [CreateNotes1764000000000, AddNoteTags1764000000001];
const BASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/wabridge';

async function sql<T extends Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

function urlWithDatabase(name: string): string {
  const u = new URL(BASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

describe('ensureDatabase', () => {
  const name = `wabridge_test_${randomBytes(4).toString('hex')}`;
  const url = urlWithDatabase(name);
  const { maintenanceUrl } = splitDatabaseUrl(url);

  afterAll(() => sql(maintenanceUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

  it('creates a missing database once, even when several processes ask at the same time', async () => {
    const created = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await sql(maintenanceUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).toHaveLength(1);
    expect(await ensureDatabase(url)).toBe(false);
    expect(await sql(url, 'SELECT current_database() AS db')).toEqual([{ db: name }]);
  });
});

describe('service data source and migrations', () => {
  let test: TestSchema;
  const open: DataSource[] = [];

  function dataSource(extra: Partial<Parameters<typeof createServiceDataSource>[0]> = {}): DataSource {
    const ds = createServiceDataSource({ url: test.url, schema: test.schema, entities: [Note], migrations: MIGRATIONS, ...extra });
    open.push(ds);
    return ds;
  }

  beforeEach(async () => {
    test = await freshTestSchema('database');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
    await test.drop();
  });

  it('runs pending migrations into the service schema once, and nothing on the next boot', async () => {
    expect(await runMigrations(dataSource())).toEqual(['CreateNotes1764000000000', 'AddNoteTags1764000000001']);
    expect(await runMigrations(dataSource())).toEqual([]);

    // Other tests' schemas share the database, so look only at ours and at public.
    const tables = await sql(
      test.url,
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_name IN ('migrations', 'notes') AND table_schema IN ($1, 'public') ORDER BY table_name`,
      [test.schema],
    );
    expect(tables).toEqual([
      { table_schema: test.schema, table_name: 'migrations' },
      { table_schema: test.schema, table_name: 'notes' },
    ]);
  });

  it('creates the schema when it does not exist yet', async () => {
    await test.drop();
    expect(await runMigrations(dataSource())).toHaveLength(2);
    expect(await sql(test.url, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [test.schema])).toHaveLength(1);
  });

  it('lets replicas that boot together migrate one after the other', async () => {
    const results = await Promise.all([runMigrations(dataSource()), runMigrations(dataSource()), runMigrations(dataSource())]);
    expect(results.flat().sort()).toEqual(['AddNoteTags1764000000001', 'CreateNotes1764000000000']);
  });

  it('rolls back a failing migration entirely and keeps the ones before it', async () => {
    const ds = dataSource({ migrations: [...MIGRATIONS, BrokenHalfway1764000000002] });
    await expect(runMigrations(ds)).rejects.toThrow(/no_such_table/);

    const recorded = await sql<{ name: string }>(test.url, `SELECT name FROM "${test.schema}".migrations ORDER BY id`);
    expect(recorded.map((r) => r.name)).toEqual(['CreateNotes1764000000000', 'AddNoteTags1764000000001']);
    expect(await sql(test.url, `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'half_done'`, [test.schema])).toEqual([]);
    // The lock was released: a fixed deployment migrates on the next boot.
    expect(await runMigrations(dataSource())).toEqual([]);
  });

  it('reverts the newest migration with its down()', async () => {
    const ds = dataSource();
    await runMigrations(ds);
    expect(await revertLastMigration(ds)).toBe('AddNoteTags1764000000001');
    const columns = await sql<{ column_name: string }>(test.url, `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'notes' ORDER BY column_name`, [test.schema]);
    expect(columns.map((c) => c.column_name)).toEqual(['body', 'created_at', 'id', 'tenant_id']);
    expect(await runMigrations(ds)).toEqual(['AddNoteTags1764000000001']);
  });

  it('confines unqualified SQL to the schema and names connections after it', async () => {
    const ds = dataSource();
    await runMigrations(ds);
    await ds.query(`INSERT INTO notes (id, tenant_id, body) VALUES ('n1', 't1', 'hello')`);
    await ds.getRepository(Note).save({ id: 'n2', tenantId: 't1', body: 'again', tags: ['x'] });

    const [settings] = await ds.query(`SELECT current_schema() AS schema, current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout`);
    expect(settings).toEqual({ schema: test.schema, app: test.schema, timeout: '15s' });
    const rows = await sql(test.url, `SELECT id FROM "${test.schema}".notes ORDER BY id`);
    expect(rows).toEqual([{ id: 'n1' }, { id: 'n2' }]);
    await expect(ds.query('SELECT * FROM pg_catalog.pg_class LIMIT 1')).resolves.toHaveLength(1);
  });

  it('cancels a statement that runs past the timeout', async () => {
    const ds = dataSource({ statementTimeoutMs: 100 });
    await ds.initialize();
    const err = await ds.query('SELECT pg_sleep(2)').catch((e: unknown) => e);
    expect(pgError(err)?.code).toBe(PgErrorCode.QueryCanceled);
    // The pool's connections keep the timeout after a migration lifted it for its own session.
    await runMigrations(ds);
    await expect(ds.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
  });

  it('recognizes a unique violation and its constraint, from TypeORM and from pg', async () => {
    const ds = dataSource();
    await runMigrations(ds);
    const repo = ds.getRepository(Note);
    await repo.insert({ id: 'n1', tenantId: 't1', body: 'same', tags: [] });

    const fromRepository = await repo.insert({ id: 'n2', tenantId: 't1', body: 'same', tags: [] }).catch((e: unknown) => e);
    expect(isUniqueViolation(fromRepository)).toBe(true);
    expect(isUniqueViolation(fromRepository, 'notes_tenant_body_key')).toBe(true);
    expect(isUniqueViolation(fromRepository, 'notes_pkey')).toBe(false);
    expect(uniqueViolationConstraint(fromRepository)).toBe('notes_tenant_body_key');
    expect(pgError(fromRepository)).toMatchObject({ code: '23505', table: 'notes', schema: test.schema });

    const fromQuery = await ds.query(`INSERT INTO notes (id, tenant_id, body) VALUES ('n1', 't2', 'other')`).catch((e: unknown) => e);
    expect(uniqueViolationConstraint(fromQuery)).toBe('notes_pkey');

    const fromPg = await sql(test.url, `INSERT INTO "${test.schema}".notes (id, tenant_id, body) VALUES ('n3', 't1', 'same')`).catch((e: unknown) => e);
    expect(isUniqueViolation(fromPg, 'notes_tenant_body_key')).toBe(true);

    const notUnique = await ds.query(`INSERT INTO notes (id, tenant_id) VALUES ('n4', 't1')`).catch((e: unknown) => e);
    expect(pgError(notUnique)?.code).toBe(PgErrorCode.NotNullViolation);
    expect(isUniqueViolation(notUnique)).toBe(false);
  });

  it('reports readiness only while connected', async () => {
    const ds = dataSource();
    const ready = databaseReadinessCheck(ds);
    await expect(ready()).rejects.toThrow('not connected');
    await ds.initialize();
    await expect(ready()).resolves.toBeUndefined();
  });
});

describe('freshTestSchema', () => {
  it('makes an empty schema with a random name and drops it', async () => {
    const a = await freshTestSchema('Gate-way');
    const b = await freshTestSchema('Gate-way');
    expect(a.schema).toMatch(/^gate_way_t_[0-9a-f]{8}$/);
    expect(b.schema).not.toBe(a.schema);
    const exists = (s: string) => sql(a.url, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [s]).then((r) => r.length === 1);
    expect(await exists(a.schema)).toBe(true);
    await a.drop();
    await b.drop();
    expect(await exists(a.schema)).toBe(false);
    expect(await exists(b.schema)).toBe(false);
  });
});
