import { DataSource, MigrationInterface } from 'typeorm';
import { createServiceDataSource, DatabaseConnectionOptions, ensureDatabase, runMigrations } from '@wabridge/database';
import { CreateAccounts1764072000000 } from './migrations/1764072000000-CreateAccounts';
import { CreateMessages1764072000001 } from './migrations/1764072000001-CreateMessages';
import { CreateTemplates1764072000002 } from './migrations/1764072000002-CreateTemplates';
import { IdempotencyKeyExpiry1764072000065 } from './migrations/1764072000065-IdempotencyKeyExpiry';
import { ScheduledSends1765200000150 } from './migrations/1765200000150-ScheduledSends';
import { OAuthClients1765300000160 } from './migrations/1765300000160-OAuthClients';
import { NumberRegistration1765400000167 } from './migrations/1765400000167-NumberRegistration';
import { MetaAccountState1765400000163 } from './migrations/1765400000163-MetaAccountState';
import { TemplateQuality1765400000165 } from './migrations/1765400000165-TemplateQuality';
import { RequestLogs1765400000179 } from './migrations/1765400000179-RequestLogs';
import { EarlyOutboundEvents1765500000137 } from './migrations/1765500000137-EarlyOutboundEvents';

export const GATEWAY_MIGRATIONS: (new () => MigrationInterface)[] = [
  CreateAccounts1764072000000,
  CreateMessages1764072000001,
  CreateTemplates1764072000002,
  IdempotencyKeyExpiry1764072000065,
  ScheduledSends1765200000150,
  OAuthClients1765300000160,
  MetaAccountState1765400000163,
  TemplateQuality1765400000165,
  NumberRegistration1765400000167,
  RequestLogs1765400000179,
  EarlyOutboundEvents1765500000137,
];

export interface GatewayDataSourceOptions extends DatabaseConnectionOptions {
  schema: string;
  poolSize: number;
}

/** Connects to the gateway's own schema (created if missing) and runs pending migrations. */
export async function openGatewayDatabase(options: GatewayDataSourceOptions): Promise<DataSource> {
  await ensureDatabase(options.url, { create: options.create });
  const ds = createServiceDataSource({ url: options.url, schema: options.schema, migrations: GATEWAY_MIGRATIONS, poolSize: options.poolSize, startupOptions: options.startupOptions });
  await ds.initialize();
  try {
    await runMigrations(ds);
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
  return ds;
}
