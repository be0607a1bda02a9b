import { DataSource, type LoggerOptions, type MigrationInterface } from 'typeorm';
import { assertSchemaName } from './schema-name';

/** A TypeORM entity class (decorated with `@Entity`). */
export type EntityClass = abstract new (...args: never[]) => object;
/** A migration class named `<Name><13-digit epoch ms>`, in a file `<epoch>-<Name>.ts`. */
export type MigrationClass = new () => MigrationInterface;

export interface ServiceDataSourceOptions {
  /** postgres:// URL of the shared database (`DATABASE_URL`). */
  url: string;
  /** The service's own schema, e.g. `dispatcher`; also the connection's application_name. */
  schema: string;
  entities?: EntityClass[];
  /** Classes, not globs, so the same list works from ts sources (tests) and compiled js. */
  migrations?: MigrationClass[];
  /** TypeORM's console logging; default off. */
  logging?: LoggerOptions;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** Server-side limit for one statement; default 15 s. Migrations run without it. */
  statementTimeoutMs?: number;
  /**
   * Send search_path and the timeouts as startup options of each connection (default true).
   * False behind PgBouncer in transaction mode (DATABASE_STARTUP_OPTIONS=false), which refuses
   * or drops them: the service's role then carries them (`ALTER ROLE … SET`, ADR 0176), and
   * runMigrations refuses to start when search_path does not lead to the schema.
   */
  startupOptions?: boolean;
}

export const MIGRATIONS_TABLE = 'migrations';

/** How a service reaches its database, from BaseEnv (DATABASE_URL, DATABASE_CREATE, DATABASE_STARTUP_OPTIONS). */
export interface DatabaseConnectionOptions {
  url: string;
  /** CREATE DATABASE when missing (default true); false fails the boot on a missing database. */
  create?: boolean;
  startupOptions?: boolean;
}

export function databaseOptionsFromEnv(env: { DATABASE_URL: string; DATABASE_CREATE?: boolean; DATABASE_STARTUP_OPTIONS?: boolean }): DatabaseConnectionOptions {
  return { url: env.DATABASE_URL, create: env.DATABASE_CREATE ?? true, startupOptions: env.DATABASE_STARTUP_OPTIONS ?? true };
}

/**
 * A DataSource confined to one service's schema: entities and the migrations table are
 * qualified with it, and `search_path` is only that schema, so hand-written SQL with
 * unqualified names reads and writes the service's own tables and nothing else. Never
 * synchronizes; schema changes go through `runMigrations`. Not yet initialized.
 */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  const schema = assertSchemaName(options.schema);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    // Extensions are created by migrations like any other schema change.
    installExtensions: false,
    // Off by default: TypeORM logs to the console in plain text, and a failed query's log line
    // carries its parameters (phone numbers, message bodies). Errors reach callers as
    // exceptions and runMigrations returns what it ran, for the app's own JSON logger.
    logging: options.logging ?? false,
    applicationName: schema,
    poolSize: options.poolSize ?? 10,
    connectTimeoutMS: 5000,
    extra: options.startupOptions === false ? {} : {
      // Startup options of every pooled connection (pg's `options`, like libpq's PGOPTIONS).
      options: `-c search_path=${schema}`,
      statement_timeout: options.statementTimeoutMs ?? 15000,
      // A connection left idle inside a transaction holds locks; end it rather than wait.
      idle_in_transaction_session_timeout: 60000,
    },
  });
}
