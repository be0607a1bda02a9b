import { DataSource } from 'typeorm';
import { MigrationClass, openServiceDatabase } from '@wabridge/database';
import { CreateCampaigns1769200000000 } from './migrations/1769200000000-CreateCampaigns';

export const MIGRATIONS: MigrationClass[] = [CreateCampaigns1769200000000];

/** The campaigns schema, migrated (runs at boot; replicas wait on the migration lock). */
export function openCampaignsDatabase(options: { url: string; schema: string }): Promise<DataSource> {
  return openServiceDatabase({ ...options, migrations: MIGRATIONS });
}
