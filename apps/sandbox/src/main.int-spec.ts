import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './testing/sandbox-harness';

/**
 * Other apps' end-to-end tests start the sandbox as `node apps/sandbox/dist/main.js` with env
 * only; this builds it and does exactly that.
 */
const APP_DIR = join(__dirname, '..');

describe('main.ts as a child process', () => {
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(APP_DIR, 'tsconfig.build.json')], { stdio: 'pipe' });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('boots from env, prints its URL, registers the boot number and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [join(APP_DIR, 'dist', 'main.js')], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json', SANDBOX_PHONE_NUMBER_ID: '123456', SANDBOX_ACCESS_TOKEN: 'boot-token' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
    // The URL is in the JSON log line `{"msg":"sandbox listening","url":"http://127.0.0.1:<port>",…}`.
    const urlLine = (): RegExpExecArray | null => /^\{.*"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"sandbox listening".*\}$|^\{.*"msg":"sandbox listening".*"url":"(http:\/\/127\.0\.0\.1:\d+)".*\}$/m.exec(output);
    await waitFor(() => urlLine() !== null, 60_000, `the URL line; output so far: ${output}`);
    const match = urlLine();
    const url = match?.[1] ?? match?.[2] ?? '';
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const numbers = (await (await fetch(`${url}/_sandbox/numbers`)).json()) as { numbers: { phoneNumberId: string; callbackUrl: string }[] };
    expect(numbers.numbers).toEqual([expect.objectContaining({ phoneNumberId: '123456', callbackUrl: 'http://127.0.0.1:3001/webhooks/meta/local' })]);
    // Nest closes the app on SIGTERM and then re-raises the signal, so the process ends by it.
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child?.once('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    expect([{ code: 0, signal: null }, { code: null, signal: 'SIGTERM' }]).toContainEqual(await exited);
  }, 90_000);

  it('exits 1 naming the bad variable', () => {
    let failure: { status?: number; stderr?: Buffer } = {};
    try {
      execFileSync(process.execPath, [join(APP_DIR, 'dist', 'main.js')], { env: { ...process.env, PORT: 'abc' }, stdio: 'pipe' });
    } catch (err) {
      failure = err as { status?: number; stderr?: Buffer };
    }
    expect(failure.status).toBe(1);
    expect(failure.stderr?.toString('utf8')).toContain('PORT');
  }, 60_000);
});
