import { spawn } from 'node:child_process';
import { TEST_BROKERS } from '@wabridge/testing';

/**
 * patches/kafkajs+2.2.4.patch (ADR 0063): kafkajs 2.2.4's request queue armed
 * `setTimeout(check, throttledUntil - Date.now())` with nothing pending, i.e. a delay of about
 * -1.8e12 ms, which Node >= 24 reports as TimeoutNegativeWarning at every client's first request
 * (upstream issue tulios/kafkajs#1751, fix never released). Both tests fail on the unpatched file.
 */

// kafkajs' internal module (no types): the class whose scheduling the patch changes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: Record<string, unknown>) => {
  pending: unknown[];
  throttledUntil: number;
  checkPendingRequests(): void;
  destroy(): void;
};

const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('kafkajs request queue (patched)', () => {
  it('arms no timer with a negative delay when nothing is pending and nothing is throttled', () => {
    const queue = new RequestQueue({
      maxInFlightRequests: null, requestTimeout: 30000, enforceRequestTimeout: false,
      clientId: 'patch-test', broker: '127.0.0.1:9092', logger: quietLogger,
    });
    const delays: number[] = [];
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return { ref: () => undefined, unref: () => undefined, hasRef: () => false } as unknown as NodeJS.Timeout;
    }) as typeof setTimeout);
    try {
      // what every fulfilled response does (fulfillRequest → checkPendingRequests)
      queue.checkPendingRequests();
    } finally {
      spy.mockRestore();
      queue.destroy();
    }
    expect(delays.filter((d) => d < 0)).toEqual([]);
  });

  it('still schedules the check while throttled with requests pending', () => {
    const queue = new RequestQueue({
      maxInFlightRequests: null, requestTimeout: 30000, enforceRequestTimeout: false,
      clientId: 'patch-test', broker: '127.0.0.1:9092', logger: quietLogger,
    });
    queue.throttledUntil = Date.now() + 5000;
    queue.pending.push({});
    const delays: number[] = [];
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return { ref: () => undefined, unref: () => undefined, hasRef: () => false } as unknown as NodeJS.Timeout;
    }) as typeof setTimeout);
    try {
      queue.checkPendingRequests();
    } finally {
      spy.mockRestore();
      queue.pending.length = 0;
      queue.destroy();
    }
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(4000);
  });

  it('prints no TimeoutNegativeWarning when a client talks to the real broker', async () => {
    const brokers = TEST_BROKERS;
    // A separate process: warnings are per process and Jest's own would hide ours.
    const script = `
      process.on('warning', (w) => process.stderr.write('WARNING ' + w.name + ': ' + w.message + '\\n'));
      const { Kafka, logLevel } = require('kafkajs');
      const admin = new Kafka({ clientId: 'patch-test', brokers: ${JSON.stringify(brokers)}, logLevel: logLevel.NOTHING }).admin();
      (async () => {
        await admin.connect();
        await admin.listTopics();
        await admin.describeCluster();
        await new Promise((r) => setTimeout(r, 200));
        await admin.disconnect();
        process.stdout.write('done\\n');
      })().catch((e) => { process.stderr.write('ERROR ' + e.message + '\\n'); process.exit(2); });
    `;
    const child = spawn(process.execPath, ['-e', script], { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: 'done' });
    expect(stderr).not.toContain('TimeoutNegativeWarning');
  });
});
