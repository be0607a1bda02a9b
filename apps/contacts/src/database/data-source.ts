import { DataSource } from 'typeorm';
import { createServiceDataSource, ensureDatabase, MigrationClass, runMigrations } from '@wabridge/database';
import { CreateContacts1764100000000 } from './migrations/1764100000000-CreateContacts';
import { RetentionIndexes1765075000000 } from './migrations/1765075000000-RetentionIndexes';

export const MIGRATIONS: MigrationClass[] = [CreateContacts1764100000000, RetentionIndexes1765075000000];

/** The contacts schema, migrated (runs at boot; replicas wait on the migration lock). */
export async function openContactsDatabase(options: { url: string; schema: string }): Promise<DataSource> {
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
