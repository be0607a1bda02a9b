import { MigrationExecutor, type DataSource, type QueryRunner } from 'typeorm';
import { PgErrorCode, pgError } from './pg-errors';
import { assertSchemaName, quoteIdent } from './schema-name';
import { MIGRATIONS_TABLE } from './service-data-source';

function schemaOf(dataSource: DataSource): string {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('runMigrations needs a DataSource made by createServiceDataSource (no schema set)');
  return assertSchemaName(schema);
}

/**
 * Runs `fn` on one connection that holds a per-schema advisory lock, without the pool's
 * statement timeout (an index build may take longer). Replicas of a service that boot
 * together thus migrate one after the other, and the later ones find nothing pending.
 */
async function withMigrationLock<T>(dataSource: DataSource, fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  const schema = schemaOf(dataSource);
  const lockKey = `wabridge.migrations.${schema}`;
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    let result: T;
    try {
      await runner.query('SET statement_timeout = 0');
      await createSchema(runner, schema);
      result = await fn(runner);
    } catch (err) {
      // Put the connection back in shape for the pool, but report the migration's error, not
      // a cleanup failure on a connection that may be broken (which frees the lock anyway).
      await restore(runner, lockKey).catch(() => undefined);
      throw err;
    }
    await restore(runner, lockKey);
    return result;
  } finally {
    await runner.release();
  }
}

async function restore(runner: QueryRunner, lockKey: string): Promise<void> {
  await runner.query('RESET statement_timeout');
  await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
}

async function createSchema(runner: QueryRunner, schema: string): Promise<void> {
  // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists; a
  // managed database's service role owns its schema but has no such right (ADR 0176).
  const found = (await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])) as unknown[];
  if (found.length > 0) return;
  try {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (err) {
    // IF NOT EXISTS still loses a race against another service's process creating the same
    // schema outside our lock (e.g. a test helper); the schema exists either way.
    const code = pgError(err)?.code;
    if (code !== PgErrorCode.UniqueViolation && code !== PgErrorCode.DuplicateSchema) throw err;
  }
}

/**
 * Creates the DataSource's schema if missing and runs its pending migrations, each in its
 * own transaction, in the order of their timestamps. Initializes the DataSource if needed.
 * Returns the names of the migrations it ran (empty when the schema was up to date).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  await assertSearchPath(dataSource);
  // Nothing pending (the usual boot, the migration Job ran first): no session advisory lock,
  // which a transaction-mode pooler (PgBouncer) could leave held on a server connection.
  if (await allMigrationsRecorded(dataSource)) return [];
  return withMigrationLock(dataSource, async (runner) => {
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const ran = await executor.executePendingMigrations();
    return ran.map((m) => m.name);
  });
}

/**
 * Unqualified SQL (migrations, repositories) must land in the service's schema. With
 * DATABASE_STARTUP_OPTIONS=false the role's own search_path provides that; refuse to touch
 * anything when it does not (tables would go to `public`).
 */
async function assertSearchPath(dataSource: DataSource): Promise<void> {
  const schema = schemaOf(dataSource);
  const [row] = (await dataSource.query('SELECT current_setting($1) AS search_path, current_user AS role', ['search_path'])) as { search_path: string; role: string }[];
  const first = (row?.search_path ?? '').split(',')[0]?.trim().replace(/^"(.*)"$/, '$1');
  const resolved = first === '$user' ? row?.role : first;
  if (resolved !== schema) {
    throw new Error(
      `search_path is "${row?.search_path}" for role ${row?.role}, so unqualified SQL would not reach schema ${schema}: ` +
        `with DATABASE_STARTUP_OPTIONS=false run ALTER ROLE ${quoteIdent(row?.role ?? 'role')} SET search_path = ${quoteIdent(schema)} (docs/deploy.md)`,
    );
  }
}

/** True when every migration of the DataSource is in the schema's migrations table (read without a lock). */
async function allMigrationsRecorded(dataSource: DataSource): Promise<boolean> {
  const schema = schemaOf(dataSource);
  const table = `${quoteIdent(schema)}.${quoteIdent(MIGRATIONS_TABLE)}`;
  const [exists] = (await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS present', [table])) as { present: boolean }[];
  if (!exists?.present) return false;
  const recorded = new Set(((await dataSource.query(`SELECT name FROM ${table}`)) as { name: string }[]).map((r) => r.name));
  return dataSource.migrations.every((m) => recorded.has(m.name ?? m.constructor.name));
}

/** Runs `down()` of the newest applied migration; returns its name, or undefined if none. */
export async function revertLastMigration(dataSource: DataSource): Promise<string | undefined> {
  return withMigrationLock(dataSource, async (runner) => {
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const executed = await executor.getExecutedMigrations();
    const last = [...executed].sort((a, b) => b.timestamp - a.timestamp)[0];
    if (!last) return undefined;
    await executor.undoLastMigration();
    return last.name;
  });
}

/** A readiness check for `HealthRegistry.register('postgres', …)`: one round trip. */
export function databaseReadinessCheck(dataSource: DataSource): () => Promise<void> {
  return async () => {
    if (!dataSource.isInitialized) throw new Error('not connected');
    await dataSource.query('SELECT 1');
  };
}
