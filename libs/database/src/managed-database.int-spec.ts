import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CreateWidgets1700000000000 } from './cli/__fixtures__/migrations/1700000000000-CreateWidgets';
import { WidgetNames1700000000001 } from './cli/__fixtures__/migrations/1700000000001-WidgetNames';
import { DatabaseMissingError, databaseOptionsFromEnv, ensureDatabase, openServiceDatabase, splitDatabaseUrl } from './index';

/**
 * A managed Postgres (ADR 0176): no CREATE DATABASE (DATABASE_CREATE=false), and behind
 * PgBouncer in transaction mode no startup options (DATABASE_STARTUP_OPTIONS=false) — the
 * service's own role carries search_path and the timeouts (ALTER ROLE … SET), so the same
 * unqualified SQL reaches the service's schema.
 */
const BASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/wabridge';
const MIGRATIONS = [CreateWidgets1700000000000, WidgetNames1700000000001];

async function admin<T = Record<string, unknown>>(text: string, params: unknown[] = [], url = BASE_URL): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function urlAs(role: string): string {
  const u = new URL(BASE_URL);
  u.username = role;
  u.password = '';
  return u.toString();
}

describe('a managed database (no CREATE DATABASE, PgBouncer without startup options)', () => {
  const created: { roles: string[]; schemas: string[] } = { roles: [], schemas: [] };

  /** What the platform team does once per service on a managed server (docs/deploy.md). */
  async function serviceRole(withSettings: boolean): Promise<{ role: string; schema: string }> {
    const id = randomBytes(4).toString('hex');
    const role = `wb_role_${id}`;
    const schema = `wb_schema_${id}`;
    created.roles.push(role);
    created.schemas.push(schema);
    await admin(`CREATE ROLE ${role} LOGIN`);
    await admin(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
    if (withSettings) {
      const { database } = splitDatabaseUrl(BASE_URL);
      await admin(`ALTER ROLE ${role} IN DATABASE "${database}" SET search_path = ${schema}`);
      await admin(`ALTER ROLE ${role} IN DATABASE "${database}" SET statement_timeout = '15s'`);
    }
    return { role, schema };
  }

  afterAll(async () => {
    for (const s of created.schemas) await admin(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    for (const r of created.roles) await admin(`DROP ROLE IF EXISTS ${r}`);
  });

  it('with DATABASE_CREATE=false fails on a missing database with a message naming it, and creates nothing', async () => {
    const missing = `wb_missing_${randomBytes(4).toString('hex')}`;
    const url = new URL(BASE_URL);
    url.pathname = `/${missing}`;
    const options = databaseOptionsFromEnv({ DATABASE_URL: url.toString(), DATABASE_CREATE: false });
    await expect(ensureDatabase(options.url, { create: options.create })).rejects.toThrow(DatabaseMissingError);
    await expect(ensureDatabase(options.url, { create: false })).rejects.toThrow(`database "${missing}" does not exist and DATABASE_CREATE=false`);
    expect(await admin('SELECT 1 FROM pg_database WHERE datname = $1', [missing])).toEqual([]);
    // the existing database is accepted without the maintenance database or CREATE rights
    await expect(ensureDatabase(BASE_URL, { create: false })).resolves.toBe(false);
  });

  it('reaches the service schema through the role\'s search_path when no startup option is sent', async () => {
    const { role, schema } = await serviceRole(true);
    const ds = await openServiceDatabase({
      ...databaseOptionsFromEnv({ DATABASE_URL: urlAs(role), DATABASE_CREATE: false, DATABASE_STARTUP_OPTIONS: false }), schema, migrations: MIGRATIONS,
    });
    try {
      const [setting] = (await ds.query(`SELECT setting, source FROM pg_settings WHERE name = 'search_path'`)) as { setting: string; source: string }[];
      // from the role (pg_db_role_setting), not from the client's startup packet
      expect(setting).toEqual({ setting: schema, source: 'database user' });
      expect(((await ds.query('SHOW statement_timeout')) as { statement_timeout: string }[])[0]!.statement_timeout).toBe('15s');
      await ds.query('INSERT INTO widgets (id, name) VALUES ($1, $2)', ['w1', 'first']);
      expect(await admin(`SELECT id, name FROM ${schema}.widgets`)).toEqual([{ id: 'w1', name: 'first' }]);
      expect(await admin(`SELECT name FROM ${schema}.migrations ORDER BY id`)).toEqual([
        { name: 'CreateWidgets1700000000000' }, { name: 'WidgetNames1700000000001' },
      ]);
    } finally {
      await ds.destroy();
    }
    // a second boot finds nothing pending (and takes no session lock)
    const again = await openServiceDatabase({ url: urlAs(role), create: false, startupOptions: false, schema, migrations: MIGRATIONS });
    await again.destroy();
  });

  it('refuses to migrate when the role has no search_path for the schema, naming the ALTER ROLE to run', async () => {
    const { role, schema } = await serviceRole(false);
    await expect(openServiceDatabase({ url: urlAs(role), create: false, startupOptions: false, schema, migrations: MIGRATIONS }))
      .rejects.toThrow(`so unqualified SQL would not reach schema ${schema}: with DATABASE_STARTUP_OPTIONS=false run ALTER ROLE "${role}" SET search_path = "${schema}"`);
    expect(await admin(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'widgets' AND table_schema IN ('public', $1)`, [schema])).toEqual([]);
  });
});
