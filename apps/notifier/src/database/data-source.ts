import { DataSource } from 'typeorm';
import { MigrationClass, openServiceDatabase, type ServiceDatabaseOptions } from '@wabridge/database';
import { CreateNotifier1766000000000 } from './migrations/1766000000000-CreateNotifier';
import { CreateConversationLeases1766000000200 } from './migrations/1766000000200-CreateConversationLeases';
import { DeliveredFunction1766000000300 } from './migrations/1766000000300-DeliveredFunction';
import { WriteAndLeaseFunction1766000000400 } from './migrations/1766000000400-WriteAndLeaseFunction';

export const MIGRATIONS: MigrationClass[] = [CreateNotifier1766000000000, CreateConversationLeases1766000000200, DeliveredFunction1766000000300, WriteAndLeaseFunction1766000000400];

/** The notifier schema, migrated (runs at boot; replicas wait on the migration lock). */
export function openNotifierDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  return openServiceDatabase({ ...options, migrations: MIGRATIONS });
}
