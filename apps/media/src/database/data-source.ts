import { DataSource } from 'typeorm';
import { createServiceDataSource, ensureDatabase, MigrationClass, runMigrations } from '@wabridge/database';
import { CreateMedia1766000000000 } from './migrations/1766000000000-CreateMedia';

export const MIGRATIONS: MigrationClass[] = [CreateMedia1766000000000];

/** The media schema, migrated (runs at boot; replicas wait on the migration lock). */
export async function openMediaDatabase(options: { url: string; schema: string }): Promise<DataSource> {
  await ensureDatabase(options.url);
  const ds = createServiceDataSource({ url: options.url, schema: options.schema, migrations: MIGRATIONS });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}
