import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort, waitFor } from '@wabridge/testing';

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin directory (Debian layout: /usr/lib/postgresql/<v>/bin). */
export function postgresBinDir(root = process.env.PG_BIN_ROOT ?? '/usr/lib/postgresql'): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL binaries under ${root} (set PG_BIN_DIR)`);
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}

/**
 * A private PostgreSQL cluster for drills that stop the database (never the shared one on
 * 5432): initdb into a fresh directory, trust auth, 127.0.0.1 on a free port, fsync off.
 * `stop()` / `start()` keep the data directory and port, so a restart is the same database.
 * initdb and the server refuse to run as root: as root, they run as the `postgres` user.
 */
export class DedicatedPostgres {
  readonly dataDir: string;
  private readonly dir: string;
  private readonly bin = postgresBinDir();
  private readonly asUser: string[] = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  port = 0;

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'wabridge-pg-'));
    this.dataDir = join(this.dir, 'data');
  }

  /** initdb + start; the cluster answers on `url` when this resolves. */
  static async create(): Promise<DedicatedPostgres> {
    const pg = new DedicatedPostgres();
    pg.port = await freePort();
    if (pg.asUser.length > 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(pg.dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await pg.exec('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await pg.start();
    return pg;
  }

  /** `postgres://postgres@127.0.0.1:<port>/<db>` */
  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  async start(): Promise<void> {
    const opts = [
      `-p ${this.port}`, `-c listen_addresses=127.0.0.1`, `-c unix_socket_directories=${this.dir}`,
      '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=300',
      '-c shared_buffers=64MB', '-c log_min_messages=warning',
    ].join(' ');
    await this.exec('pg_ctl', ['start', '-D', this.dataDir, '-w', '-t', '60', '-l', join(this.dir, 'server.log'), '-o', opts]);
    await waitFor(async () => this.ping(), { timeoutMs: 30000, intervalMs: 100, what: `postgres on ${this.port}` });
  }

  /** `fast` = clean shutdown (clients disconnected); `immediate` = like a crash (recovery at the next start). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.exec('pg_ctl', ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', '60']);
  }

  async ping(): Promise<boolean> {
    const c = new Client({ connectionString: this.url(), connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** Stops the server (if running) and removes its directory. */
  async destroy(): Promise<void> {
    await this.exec('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const [cmd, ...rest] = [...this.asUser, join(this.bin, tool), ...args];
    try {
      await run(cmd!, rest, { cwd: tmpdir(), timeout: 120000 });
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }
}
