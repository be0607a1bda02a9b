import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A built service (`apps/<name>/dist/main.js`) running as a real child process, for
 * end-to-end tests that kill and restart it. Output is kept for failure messages.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  output = '';

  constructor(readonly app: string, readonly port: number, private readonly env: Record<string, string>) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 90000): Promise<void> {
    const entry = join(REPO_ROOT, 'apps', this.app, 'dist', 'main.js');
    this.child = spawn(process.execPath, [entry], {
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const child = this.child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.app} exited with ${child.exitCode}: ${this.output}`);
        const res = await fetch(`${this.url}/health/live`).catch(() => null);
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
