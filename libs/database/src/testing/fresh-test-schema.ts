import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '../ensure-database';
import { assertSchemaName, quoteIdent } from '../schema-name';

export interface TestSchema {
  /** postgres:// URL of the test database. */
  url: string;
  /** A new, empty schema, e.g. `dispatcher_t_5f1c9a2b`. */
  schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** The local database of DESIGN §11; integration tests run against it unless told otherwise. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wabridge';

/**
 * Creates an empty schema with a random name for one integration test, so tests never see
 * each other's rows and can run in parallel. The database is created if missing. Pass the
 * schema to `createServiceDataSource` and `runMigrations` like a real service would.
 */
export async function freshTestSchema(prefix: string, options: { url?: string } = {}): Promise<TestSchema> {
  // A test helper, not service code: it reads DATABASE_URL itself so every test file need not.
  const url = options.url ?? process.env['DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL;
  const cleanPrefix = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
  const schema = assertSchemaName(`${cleanPrefix}_t_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  await withClient(url, (c) => c.query(`CREATE SCHEMA ${quoteIdent(schema)}`));
  return {
    url,
    schema,
    drop: () => withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'wabridge-test-schema' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
