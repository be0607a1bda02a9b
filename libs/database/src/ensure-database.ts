import { Client } from 'pg';
import { PgErrorCode, pgError } from './pg-errors';
import { quoteIdent } from './schema-name';

/** The database named in a postgres:// URL, and the URL of the same server's `postgres` DB. */
export function splitDatabaseUrl(url: string): { database: string; maintenanceUrl: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL names no database');
  parsed.pathname = '/postgres';
  return { database, maintenanceUrl: parsed.toString() };
}

/**
 * Creates the database `url` points at when it does not exist yet, connecting to the server's
 * `postgres` maintenance database to do so. Safe when several services boot at once: losing
 * the race surfaces as duplicate_database, or as a unique violation on pg_database when both
 * CREATEs got past the catalog check together. Returns whether this call created it.
 *
 * `create: false` (DATABASE_CREATE=false, a managed database that denies CREATE DATABASE and
 * often the maintenance database too): only connects to the database itself and fails with a
 * message naming it when it does not exist.
 */
export async function ensureDatabase(url: string, options: { create?: boolean } = {}): Promise<boolean> {
  const { database, maintenanceUrl } = splitDatabaseUrl(url);
  if (options.create === false) {
    await assertDatabaseExists(url, database);
    return false;
  }
  const client = new Client({ connectionString: maintenanceUrl, application_name: 'wabridge-ensure-database' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
      return true;
    } catch (err) {
      const code = pgError(err)?.code;
      if (code === PgErrorCode.DuplicateDatabase || code === PgErrorCode.UniqueViolation) return false;
      throw err;
    }
  } finally {
    await client.end();
  }
}

/** Thrown at boot when DATABASE_CREATE=false and the database DATABASE_URL names is missing. */
export class DatabaseMissingError extends Error {
  constructor(readonly database: string) {
    super(`database "${database}" does not exist and DATABASE_CREATE=false: create it (and the service roles, docs/deploy.md) before starting the services`);
    this.name = 'DatabaseMissingError';
  }
}

async function assertDatabaseExists(url: string, database: string): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'wabridge-ensure-database' });
  try {
    await client.connect();
  } catch (err) {
    if (pgError(err)?.code === PgErrorCode.InvalidCatalogName) throw new DatabaseMissingError(database);
    throw err;
  }
  await client.end();
}
