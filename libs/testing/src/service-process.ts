import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Ports this process has handed out: a port is never handed out twice (see freePort). */
const handedOut = new Set<number>();

/**
 * A port nothing listens on now, for a service about to be started. The kernel may give the
 * same free port to two calls made before either service binds it (CI saw a notifier's PORT
 * handed out again as the gateway's MANAGEMENT_PORT: the notifier could not bind, and the
 * gateway's health listener answered in its place), so this process never hands a port out twice.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('freePort: no port that was not already handed out in 100 tries');
}

/** Services whose `/health/*` and `/metrics` are on MANAGEMENT_PORT, not PORT (ADR 0074). */
export const MANAGED_SERVICES: ReadonlySet<string> = new Set(['gateway', 'ingress']);

/**
 * A built service (`apps/<name>/dist/main.js`) running as a real child process, for
 * end-to-end tests that kill and restart it. Output is kept for failure messages.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  output = '';
  /** More of the output (the last 2 MB), for tests that read the services' log lines. */
  longOutput = '';
  /** MANAGEMENT_PORT of gateway/ingress (picked at the first start, kept across restarts). */
  managementPort: number | undefined;

  constructor(readonly app: string, readonly port: number, private readonly env: Record<string, string>) {
    if (env.MANAGEMENT_PORT) this.managementPort = Number(env.MANAGEMENT_PORT);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where `/health/*` and `/metrics` are: the management port for gateway/ingress, else `url`. */
  get managementUrl(): string {
    return this.managementPort === undefined ? this.url : `http://127.0.0.1:${this.managementPort}`;
  }

  /** The exit code once the process ended (e.g. refused its configuration), else null. */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  async start(timeoutMs = 90000): Promise<void> {
    const entry = join(REPO_ROOT, 'apps', this.app, 'dist', 'main.js');
    if (MANAGED_SERVICES.has(this.app)) this.managementPort ??= await freePort();
    const management = this.managementPort === undefined ? {} : { MANAGEMENT_PORT: String(this.managementPort) };
    this.child = spawn(process.execPath, [entry], {
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...this.env, ...management, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.output = (this.output + text).slice(-20000);
      this.longOutput = (this.longOutput + text).slice(-2_000_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const child = this.child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.app} exited with ${child.exitCode}: ${this.output}`);
        const res = await fetch(`${this.managementUrl}/health/live`).catch(() => null);
        return res?.ok === true;
      },
      { timeoutMs, intervalMs: 100, what: `${this.app} to listen on ${this.port}` },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- ${this.app} output ---\n${this.output}`);
    });
  }

  /** SIGKILL: no shutdown hooks, like a crashed pod. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}
