export { ensureDatabase, splitDatabaseUrl, DatabaseMissingError } from './ensure-database';
export {
  createServiceDataSource,
  databaseOptionsFromEnv,
  MIGRATIONS_TABLE,
  type DatabaseConnectionOptions,
  type EntityClass,
  type MigrationClass,
  type ServiceDataSourceOptions,
} from './service-data-source';
export { runMigrations, revertLastMigration, databaseReadinessCheck } from './run-migrations';
export {
  PgErrorCode,
  pgError,
  isUniqueViolation,
  uniqueViolationConstraint,
  pgFailureKind,
  isPgUnavailable,
  type PgErrorInfo,
  type PgFailureKind,
} from './pg-errors';
export { freshTestSchema, DEFAULT_TEST_DATABASE_URL, type TestSchema } from './testing/fresh-test-schema';
export { returnedRows } from './returned-rows';
export type { Queryable } from './queryable';
export { Pg, type PgTransactionQuery } from './pg';
export { deleteInChunks, rowCountRunner, type RowCountRunner } from './delete-in-chunks';
export { openServiceDatabase, type ServiceDatabaseOptions } from './open-service-database';
export { DatabaseLifecycle } from './database-lifecycle';
export { TenantSettingsRepository, pruneEachTenant, type TenantRetention } from './tenant-settings.repository';
