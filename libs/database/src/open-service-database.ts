import { DataSource } from 'typeorm';
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './run-migrations';
import { createServiceDataSource, DatabaseConnectionOptions, MigrationClass } from './service-data-source';

/** What a service's `open…Database` takes: its connection (`databaseOptionsFromEnv`) and schema. */
export interface ServiceDatabaseOptions extends DatabaseConnectionOptions {
  schema: string;
  poolSize?: number;
}

/**
 * A service's schema, created and migrated, ready to query: the database is created if missing,
 * the pool opened, the migrations run (replicas wait on the migration lock). On a failed
 * migration the pool is closed again, so a refused boot leaves no connections behind.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions & { migrations: MigrationClass[] }): Promise<DataSource> {
  await ensureDatabase(options.url, { create: options.create });
  const ds = createServiceDataSource({
    url: options.url, schema: options.schema, migrations: options.migrations, poolSize: options.poolSize, startupOptions: options.startupOptions,
  });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}
