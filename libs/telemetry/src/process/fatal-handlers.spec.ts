import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformFileSync } from '@swc/core';

/**
 * Each case is a real process: the handlers act on `process` events and end with
 * process.exit, which nothing in-process can observe. The helper is compiled to a temp file
 * (it imports only Node built-ins) and a tiny script triggers the failure.
 */
describe('installFatalHandlers', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fatal-handlers-'));
    const { code } = transformFileSync(join(__dirname, 'fatal-handlers.ts'), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    writeFileSync(join(dir, 'fatal-handlers.js'), code);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(body: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
    const file = join(dir, `case-${Math.random().toString(36).slice(2)}.js`);
    writeFileSync(file, `const { installFatalHandlers } = require('./fatal-handlers.js');\n${body}`);
    const started = Date.now();
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stdout, stderr, ms: Date.now() - started };
  }

  const fatalLines = (stderr: string) =>
    stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['level'] === 'fatal');

  it('logs an unhandled rejection as one JSON line, drains, and exits 1 instead of running on', async () => {
    const r = await run(`
      const fatal = installFatalHandlers({ service: 'demo' });
      fatal.onFatal(async () => { await new Promise((res) => setTimeout(res, 50)); process.stdout.write('drained\\n'); });
      setInterval(() => undefined, 1000); // a live server would keep the process up
      Promise.reject(new Error('send failed after prepare threw'));
    `);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('drained\n');
    const lines = fatalLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'fatal', service: 'demo', kind: 'unhandled_rejection',
      error: { name: 'Error', message: 'send failed after prepare threw' },
    });
    expect((lines[0]!['error'] as { stack: string }).stack).toContain('case-');
  });

  it('does the same for an uncaught exception thrown from a timer', async () => {
    const r = await run(`
      installFatalHandlers({ service: 'demo' });
      setInterval(() => undefined, 1000);
      setTimeout(() => { throw new TypeError('x is not a function'); }, 10);
    `);
    expect(r.code).toBe(1);
    expect(fatalLines(r.stderr)).toEqual([expect.objectContaining({ kind: 'uncaught_exception', error: expect.objectContaining({ name: 'TypeError', message: 'x is not a function' }) })]);
  });

  it('exits after the drain timeout when a drain hangs', async () => {
    const r = await run(`
      const fatal = installFatalHandlers({ service: 'demo', drainTimeoutMs: 300 });
      fatal.onFatal(() => new Promise(() => undefined));
      Promise.reject('plain string reason');
    `);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(15000); // not hung forever (the child itself may take seconds to boot on a loaded box)
    const lines = fatalLines(r.stderr);
    expect(lines[0]).toMatchObject({ kind: 'unhandled_rejection', error: { message: 'plain string reason' } });
    expect(lines[1]!['msg']).toMatch(/drain did not finish within 300 ms/);
  });
});
