import { DataSource } from 'typeorm';
import { createServiceDataSource, ensureDatabase, MigrationClass, runMigrations } from '@wabridge/database';
import { CreateNotifier1766000000000 } from './migrations/1766000000000-CreateNotifier';

export const MIGRATIONS: MigrationClass[] = [CreateNotifier1766000000000];

/** The notifier schema, migrated (runs at boot; replicas wait on the migration lock). */
export async function openNotifierDatabase(options: { url: string; schema: string }): Promise<DataSource> {
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
