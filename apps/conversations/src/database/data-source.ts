import { DataSource } from 'typeorm';
import { MigrationClass, openServiceDatabase, type ServiceDatabaseOptions } from '@wabridge/database';
import { CreateConversations1768000000000 } from './migrations/1768000000000-CreateConversations';
import { CreateAutomations1768100000000 } from './migrations/1768100000000-CreateAutomations';

export const MIGRATIONS: MigrationClass[] = [CreateConversations1768000000000, CreateAutomations1768100000000];

/** The conversations schema, migrated (runs at boot; replicas wait on the migration lock). */
export function openConversationsDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  return openServiceDatabase({ ...options, migrations: MIGRATIONS });
}
