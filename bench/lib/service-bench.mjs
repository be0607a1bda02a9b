// What every bench of one service starts with: its dist/ built (and any other app's it runs),
// Kafka up, the bench database, and the names a run owns (random suffix, the service's schema and
// consumer group, a tenant, an internal token, a Kafka client).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchKafka } from './kafka.mjs';
import { benchDatabaseUrl, machineInfo, ROOT } from './result.mjs';
import { ensureDatabase, ensureKafka, run } from '../../scripts/lib/stack.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `[name bench] msg` on stderr (stdout is the result's). */
export const benchLog = (name) => (msg) => process.stderr.write(`[${name} bench] ${msg}\n`);

/** `apps/<app>/dist/main.js`, built with its dependencies when missing. */
export function builtEntry(app, log = benchLog(app)) {
  const entry = join(ROOT, 'apps', app, 'dist', 'main.js');
  if (!existsSync(entry)) {
    log(`apps/${app}/dist is missing: building it`);
    run('npx', ['turbo', 'run', 'build', `--filter=@wabridge/${app}...`, '--output-logs=errors-only']);
  }
  return entry;
}

/**
 * @param {{ name: string, app: string, alsoBuild?: string[] }} o  `name` labels logs and the Kafka
 *   client (`bench-<name>`); `app` is the service under bench (its schema `<app>_<suffix>`, group
 *   `<app>-<suffix>`).
 */
export async function prepareServiceBench({ name, app, alsoBuild = [] }) {
  const log = benchLog(name);
  const entry = builtEntry(app, log);
  const entries = Object.fromEntries(alsoBuild.map((a) => [a, builtEntry(a, log)]));
  ensureKafka();
  const databaseUrl = await ensureDatabase(benchDatabaseUrl());
  const suffix = `bench${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return {
    log,
    entry,
    entries,
    databaseUrl,
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    suffix,
    schema: `${app}_${suffix}`,
    group: `${app}-${suffix}`,
    tenantId: `bench-tenant-${suffix}`,
    token: randomBytes(16).toString('hex'),
    kafka: benchKafka(`bench-${name}`),
  };
}
