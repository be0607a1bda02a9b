import { DataSource } from 'typeorm';
import { MigrationClass, openServiceDatabase, type ServiceDatabaseOptions } from '@wabridge/database';
import { CreateAnalytics1767000000000 } from './migrations/1767000000000-CreateAnalytics';
import { NumberStateAndQuality1767100000000 } from './migrations/1767100000000-NumberStateAndQuality';
import { CampaignCost1767200000000 } from './migrations/1767200000000-CampaignCost';

export const MIGRATIONS: MigrationClass[] = [CreateAnalytics1767000000000, NumberStateAndQuality1767100000000, CampaignCost1767200000000];

/** The analytics schema, migrated (runs at boot; replicas wait on the migration lock). */
export function openAnalyticsDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  return openServiceDatabase({ ...options, migrations: MIGRATIONS });
}
