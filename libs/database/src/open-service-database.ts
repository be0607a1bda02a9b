import { DataSource } from 'typeorm';
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './run-migrations';
import { createServiceDataSource, MigrationClass } from './service-data-source';

/**
 * A service's schema, created and migrated, ready to query: the database is created if missing,
 * the pool opened, the migrations run (replicas wait on the migration lock). On a failed
 * migration the pool is closed again, so a refused boot leaves no connections behind.
 */
export async function openServiceDatabase(options: { url: string; schema: string; migrations: MigrationClass[]; poolSize?: number }): Promise<DataSource> {
  await ensureDatabase(options.url);
  const ds = createServiceDataSource({ url: options.url, schema: options.schema, migrations: options.migrations, poolSize: options.poolSize });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}
