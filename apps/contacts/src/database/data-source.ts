import { DataSource } from 'typeorm';
import { MigrationClass, openServiceDatabase, type ServiceDatabaseOptions } from '@wabridge/database';
import { CreateContacts1764100000000 } from './migrations/1764100000000-CreateContacts';
import { RetentionIndexes1765075000000 } from './migrations/1765075000000-RetentionIndexes';

export const MIGRATIONS: MigrationClass[] = [CreateContacts1764100000000, RetentionIndexes1765075000000];

/** The contacts schema, migrated (runs at boot; replicas wait on the migration lock). */
export function openContactsDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  return openServiceDatabase({ ...options, migrations: MIGRATIONS });
}
