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
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const { database, maintenanceUrl } = splitDatabaseUrl(url);
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
