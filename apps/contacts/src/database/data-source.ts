import { Client } from 'pg';
import { DataSource, MigrationInterface } from 'typeorm';
import { CreateContacts1764100000000 } from './migrations/1764100000000-CreateContacts';

// @wabridge/database was still empty when this service was written; these helpers follow the
// API announced for it (ensureDatabase / createServiceDataSource / runMigrations) so switching
// over is a change of imports.

export const MIGRATIONS: (new () => MigrationInterface)[] = [CreateContacts1764100000000];

/** Creates the database named in the URL when it is missing (local dev and tests). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}

/** A pool whose search_path is the service's own schema (created if missing); migrations run at boot. */
export async function createServiceDataSource(options: { url: string; schema: string; poolSize?: number }): Promise<DataSource> {
  await ensureDatabase(options.url);
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  } finally {
    await client.end();
  }
  const ds = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}` },
  });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
