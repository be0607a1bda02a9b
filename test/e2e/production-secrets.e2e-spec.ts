/**
 * Issue 11 / ADR 0070: every service refuses, under NODE_ENV=production, an unset secret or one
 * of the well-known development values (libs/config WELL_KNOWN_DEV_SECRETS), exiting non-zero
 * with one line naming the variable; a proper production configuration still boots.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEV_ENCRYPTION_KEYS, DEV_INTERNAL_TOKEN, SecretBox } from '@wabridge/config';
import { freshTestSchema } from '@wabridge/database';
import { freePort, randomSuffix, REPO_ROOT, ServiceProcess, TEST_BROKERS, waitFor } from '@wabridge/testing';

const strong = {
  ADMIN_TOKEN: 'adm-real-secret-0123456789abcdef',
  INTERNAL_TOKEN: 'int-real-secret-0123456789abcdef',
  ENCRYPTION_KEYS: SecretBox.generateKeySpec('prod'),
  META_APP_SECRET: 'meta-real-app-secret-0123456789',
  META_VERIFY_TOKEN: 'meta-real-verify-token-0123',
};

/** Runs `node apps/<app>/dist/main.js` until it exits (or 30 s); returns the code and its output. */
function runUntilExit(app: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', app, 'dist', 'main.js')], {
      // a clean environment: nothing from the test runner's own env leaks in
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: '0', MANAGEMENT_PORT: '0', KAFKA_BROKERS: TEST_BROKERS.join(','), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const cases: [string, string, Record<string, string>][] = [
  ['ingress', 'META_APP_SECRET', { ...strong, META_APP_SECRET: 'local-app-secret-change-me' }],
  ['ingress', 'META_VERIFY_TOKEN', { META_APP_SECRET: strong.META_APP_SECRET }], // unset: the built-in default is not enough
  ['ingress', 'ENCRYPTION_KEYS', { ...strong, ENCRYPTION_KEYS: 'dev:s8+3Rr7qhUz0atcZzFJQYckgchPeZuspyCMqRxcrdjc=' }],
  ['gateway', 'INTERNAL_TOKEN', { ...strong, INTERNAL_TOKEN: DEV_INTERNAL_TOKEN }],
  ['gateway', 'ADMIN_TOKEN', { ...strong, ADMIN_TOKEN: 'wabridge-dev-admin-token' }],
  ['gateway', 'ENCRYPTION_KEYS', { ...strong, ENCRYPTION_KEYS: DEV_ENCRYPTION_KEYS }],
  ['dispatcher', 'ENCRYPTION_KEYS', {}],
  ['dispatcher', 'DATABASE_URL', { ...strong, DATABASE_URL: 'postgres://postgres:wabridge-dev@127.0.0.1:5432/wabridge' }],
  ['contacts', 'INTERNAL_TOKEN', { ...strong, INTERNAL_TOKEN: DEV_INTERNAL_TOKEN }],
];

describe('production refuses development secrets (built services)', () => {
  it.each(cases)('%s exits non-zero with one line naming %s', async (app, variable, env) => {
    const { code, output } = await runUntilExit(app, env);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = output.split('\n').filter((l) => l.includes(variable));
    expect({ app, lines: lines.length }).toEqual({ app, lines: 1 });
    expect(lines[0]).toMatch(new RegExp(`^invalid configuration: .*${variable} \\((is required in production|is a well-known development value|holds a well-known development key|uses the well-known development password)`));
  }, 40000);

  it('boots ingress in production with real secrets (health on the management port only)', async () => {
    const schema = await freshTestSchema('ingress');
    const suffix = randomSuffix('prod');
    const ingress = new ServiceProcess('ingress', await freePort(), {
      ...strong, NODE_ENV: 'production', DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema, TOPIC_SUFFIX: suffix,
      KAFKA_PARTITIONS: '1', NORMALIZER_GROUP_ID: `ingress-normalizer-${suffix}`,
    });
    try {
      await ingress.start();
      // ready once Kafka, Postgres and the app/number registry are caught up
      await waitFor(async () => (await fetch(`${ingress.managementUrl}/health/ready`)).status === 200, { timeoutMs: 30000, what: 'ingress ready' });
      expect((await fetch(`${ingress.managementUrl}/metrics`)).status).toBe(200);
      expect((await fetch(`${ingress.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${ingress.url}/health/live`)).status).toBe(404);
    } finally {
      await ingress.stop();
      await schema.drop();
    }
  }, 120000);
});
