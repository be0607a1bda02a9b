import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * `npm start`/`npm test` on a machine without Postgres (ADR 0178): scripts/lib/stack.mjs
 * ensureDatabase starts an embedded Postgres from the npm registry where DATABASE_URL points
 * when nothing answers there, and uses a Postgres that answers as it is. Run against an unused
 * port so the shared server on 5432 is never touched. The stack scripts are ES modules: they
 * run in a child node process, as `npm start` runs them.
 */
const ROOT = join(__dirname, '..', '..');
const SHARED_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs an ES-module snippet in the checkout; returns its exit code and output. */
function node(source: string, timeoutMs = 150000): { status: number | null; out: string } {
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, EMBEDDED_POSTGRES: '' } });
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

const query = (url: string): string => `
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: ${JSON.stringify(url)} });
  await c.connect();
  const { rows } = await c.query("SELECT current_setting('port') AS port, current_database() AS db, (SELECT count(*) FROM pg_stat_activity) >= 0 AS ok");
  console.log('ROW ' + JSON.stringify(rows[0]));
  await c.end();`;

describe('embedded Postgres fallback of the stack scripts', () => {
  let port: number;
  afterAll(() => {
    if (!port) return;
    node(`const m = await import('./scripts/lib/embedded-postgres.mjs'); m.stopEmbeddedPostgres(process.cwd(), ${port});`);
    rmSync(join(ROOT, '.local', 'embedded-postgres', `data-${port}`), { recursive: true, force: true });
    rmSync(join(ROOT, '.local', 'embedded-postgres', `postgres-${port}.log`), { force: true });
  }, 60000);

  it('starts an embedded Postgres when nothing answers on DATABASE_URL, says so, answers queries and stops', async () => {
    port = await freePort();
    const url = `postgres://postgres@127.0.0.1:${port}/wabridge`;
    const started = node(`
      const { ensureDatabase } = await import('./scripts/lib/stack.mjs');
      await ensureDatabase(${JSON.stringify(url)});
      ${query(url)}`);
    expect(started.status).toBe(0);
    expect(started.out).toContain(`postgres: nothing answers on 127.0.0.1:${port}; starting an embedded Postgres there`);
    expect(started.out).toContain(`postgres: embedded Postgres up on 127.0.0.1:${port}, data in .local/embedded-postgres/data-${port}`);
    expect(started.out).toContain(`ROW {"port":"${port}","db":"wabridge","ok":true}`);

    // a second run finds it answering and starts nothing
    const again = node(`
      const { ensureDatabase } = await import('./scripts/lib/stack.mjs');
      await ensureDatabase(${JSON.stringify(url)});
      ${query(url)}`);
    expect(again.out).not.toContain('embedded');
    expect(again.out).toContain(`ROW {"port":"${port}"`);

    const stopped = node(`
      const m = await import('./scripts/lib/embedded-postgres.mjs');
      console.log('STOPPED ' + m.stopEmbeddedPostgres(process.cwd(), ${port}));
      ${query(url)}`);
    expect(stopped.out).toContain('STOPPED true');
    expect(stopped.out).toMatch(/ECONNREFUSED/);
  }, 200000);

  it('uses a Postgres that answers as it is (the shared one) and starts nothing', () => {
    const res = node(`
      const { ensureDatabase } = await import('./scripts/lib/stack.mjs');
      await ensureDatabase(${JSON.stringify(SHARED_URL)});
      ${query(SHARED_URL)}`);
    expect(res.status).toBe(0);
    expect(res.out).not.toContain('embedded');
    expect(res.out).toContain(`ROW {"port":"${new URL(SHARED_URL).port || '5432'}"`);
  });

  it('does not start one with EMBEDDED_POSTGRES=false and names the server it could not reach', async () => {
    const unused = await freePort();
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { ensureDatabase } = await import('./scripts/lib/stack.mjs');
      await ensureDatabase('postgres://postgres@127.0.0.1:${unused}/wabridge');`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, EMBEDDED_POSTGRES: 'false' } });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain(`Postgres is not reachable at 127.0.0.1:${unused}`);
    expect(`${res.stdout}${res.stderr}`).not.toContain('starting an embedded Postgres');
  });
});
