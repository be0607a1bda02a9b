import { DataSource } from 'typeorm';
import { MigrationClass, openServiceDatabase, type ServiceDatabaseOptions } from '@wabridge/database';
import { CreateMedia1766000000000 } from './migrations/1766000000000-CreateMedia';
import { CreateInboundMedia1766000000100 } from './migrations/1766000000100-CreateInboundMedia';
import { CreateMediaMetaIds1766000000200 } from './migrations/1766000000200-CreateMediaMetaIds';
import { CreateTenantSettingsAndSender1766000000300 } from './migrations/1766000000300-CreateTenantSettingsAndSender';

export const MIGRATIONS: MigrationClass[] = [CreateMedia1766000000000, CreateInboundMedia1766000000100, CreateMediaMetaIds1766000000200,
  CreateTenantSettingsAndSender1766000000300];

/** The media schema, migrated (runs at boot; replicas wait on the migration lock). */
export function openMediaDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  return openServiceDatabase({ ...options, migrations: MIGRATIONS });
}
