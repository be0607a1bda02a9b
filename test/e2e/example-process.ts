import { ChildProcess, spawn } from 'node:child_process';

/**
 * An example of examples/ run as its README says (`node examples/<name>/<file>.js`), as a
 * process: resolves once it printed its `{"ready": …}` line on stdout (its URL and state),
 * keeps its output for assertions and failure messages, and ends it with SIGTERM (it removes
 * what it registered on the platform as it would on Ctrl-C).
 */
export class ExampleProcess {
  private child?: ChildProcess;
  stdout = '';
  stderr = '';
  ready!: Record<string, any>;

  constructor(private readonly script: string, private readonly args: string[], private readonly env: Record<string, string>) {}

  async start(timeoutMs = 90_000): Promise<Record<string, any>> {
    const child = spawn(process.execPath, [this.script, ...this.args], { env: { PATH: process.env.PATH ?? '', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    this.ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.script} not ready after ${timeoutMs} ms\nstdout: ${this.stdout}\nstderr: ${this.stderr}`)), timeoutMs);
      child.stdout!.on('data', (c: Buffer) => {
        this.stdout += c.toString('utf8');
        for (const line of this.stdout.split('\n')) {
          if (!line.startsWith('{"ready"')) continue;
          clearTimeout(timer);
          resolve((JSON.parse(line) as { ready: Record<string, any> }).ready);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.script} exited (${code}) before it was ready\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
      });
    });
    return this.ready;
  }

  /** SIGTERM, and the exit code once it left (it deregisters first). */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
