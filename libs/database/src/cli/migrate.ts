/**
 * `node libs/database/dist/cli/migrate.js <schema> <migrations dir>`: runs one service's
 * pending migrations and exits, for the Kubernetes migration Job (deploy/base/jobs, ADR 0172)
 * that migrates every schema before a rollout. It is the same `runMigrations` (advisory lock,
 * one transaction each) that each service runs at boot, so a service started afterwards finds
 * nothing pending. Migration classes are collected from the service's compiled
 * `dist/database/migrations/*.js`. Prints one JSON line; exits 1 with the reason on failure.
 *
 * An entry point, so it reads its variables from the environment itself, as BaseEnv names
 * them: DATABASE_URL, DATABASE_CREATE (`false` where the database is managed and CREATE
 * DATABASE is denied) and DATABASE_STARTUP_OPTIONS (`false` behind PgBouncer, ADR 0176).
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureDatabase } from '../ensure-database';
import { runMigrations } from '../run-migrations';
import { createServiceDataSource, type MigrationClass } from '../service-data-source';

function isMigrationClass(value: unknown): value is MigrationClass {
  if (typeof value !== 'function') return false;
  const proto = (value as { prototype?: Record<string, unknown> }).prototype;
  return !!proto && typeof proto.up === 'function' && typeof proto.down === 'function';
}

/**
 * Every migration class exported by the modules of `dir`: compiled `.js` in an image, `.ts`
 * sources under Jest. An index re-exporting them is fine (classes are deduplicated by name).
 */
export function loadMigrationClasses(dir: string): MigrationClass[] {
  const found = new Map<string, MigrationClass>();
  const modules = readdirSync(dir).filter((f) => /\.(js|ts)$/.test(f) && !/\.d\.ts$|\.(int-)?spec\.ts$/.test(f));
  for (const file of modules.sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading compiled migrations by path is the point
    const mod = require(resolve(dir, file)) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (isMigrationClass(value)) found.set(value.name, value);
  }
  return [...found.values()];
}

export async function migrate(options: { url: string; schema: string; dir: string; createDatabase: boolean; startupOptions?: boolean }): Promise<string[]> {
  const migrations = loadMigrationClasses(options.dir);
  if (migrations.length === 0) throw new Error(`no migration classes in ${options.dir}`);
  if (options.createDatabase) await ensureDatabase(options.url);
  const ds = createServiceDataSource({ url: options.url, schema: options.schema, migrations, poolSize: 1, startupOptions: options.startupOptions ?? true });
  await ds.initialize();
  try {
    return await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
}

async function main(argv: string[]): Promise<void> {
  const [schema, dir] = argv;
  const url = process.env.DATABASE_URL;
  if (!schema || !dir) throw new Error('usage: migrate <schema> <compiled migrations dir>');
  if (!url) throw new Error('DATABASE_URL is not set');
  const off = (name: string): boolean => (process.env[name] ?? 'true').trim().toLowerCase() === 'false';
  const ran = await migrate({ url, schema, dir: resolve(dir), createDatabase: !off('DATABASE_CREATE'), startupOptions: !off('DATABASE_STARTUP_OPTIONS') });
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: ran.length ? 'migrated' : 'schema up to date', schema, ran })}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    // the message only: a pg error's detail can quote row data
    process.stdout.write(`${JSON.stringify({ level: 'error', msg: 'migration failed', schema: process.argv[2], error: err instanceof Error ? err.message : String(err) })}\n`);
    process.exit(1);
  });
}
