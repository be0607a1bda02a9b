import { DataSource } from 'typeorm';
import { MigrationClass, openServiceDatabase, type ServiceDatabaseOptions } from '@wabridge/database';
import { CreateCampaigns1769200000000 } from './migrations/1769200000000-CreateCampaigns';
import { QueuedRecipientsIndex1769200000001 } from './migrations/1769200000001-QueuedRecipientsIndex';
import { CreateSegments1769200000002 } from './migrations/1769200000002-CreateSegments';
import { CampaignParameters1769200000003 } from './migrations/1769200000003-CampaignParameters';

export const MIGRATIONS: MigrationClass[] = [CreateCampaigns1769200000000, QueuedRecipientsIndex1769200000001, CreateSegments1769200000002, CampaignParameters1769200000003];

/** The campaigns schema, migrated (runs at boot; replicas wait on the migration lock). */
export function openCampaignsDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  return openServiceDatabase({ ...options, migrations: MIGRATIONS });
}
