import { RunningSandbox, startSandbox, testNumber } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';
import { runAtRate } from './rate-driver';
import { postSend, SendTarget } from './send-load';

/**
 * The throughput rule, measured with the load generator: a number configured for 20 mps
 * gets about half its calls refused with 130429 when offered 40 per second (after the first
 * second's burst is spent), and none at 18 per second. A behaviour test with wide margins,
 * not a benchmark.
 */
const MPS = 20;

describe('throughput rule under load', () => {
  const receiver = new WebhookReceiver('tp-secret');
  let sandbox: RunningSandbox;
  let n = 0;

  beforeAll(async () => {
    const callbackUrl = await receiver.start();
    sandbox = await startSandbox({ settings: { webhookTickMs: 50 } });
    for (const id of ['2001', '2002']) {
      const res = await fetch(`${sandbox.url}/_sandbox/numbers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(testNumber({ phoneNumberId: id, appSecret: 'tp-secret', callbackUrl, mps: MPS })),
      });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  function target(): SendTarget {
    n++;
    return { kind: 'graph', url: sandbox.url, credential: 'test-token', phoneNumberId: `200${n}`, graphVersion: 'v23.0', recipients: 10_000, firstRecipient: 16505550000 + n * 100_000, messageType: 'text' };
  }

  it('refuses roughly half the calls with 130429 at twice the configured mps', async () => {
    const t = target();
    const result = await runAtRate({ rate: 2 * MPS, count: 1000, durationMs: 4000, maxInFlight: 100 }, (i) => postSend(t, 'tp2x', i, 5000));
    const throttled = result.outcomes['400:130429'] ?? 0;
    const ok = result.outcomes['200'] ?? 0;
    expect(throttled + ok).toBe(result.started);
    expect(result.started).toBeGreaterThan(100);
    // The bucket's invariant holds however the requests bunch up on a busy machine: never more
    // than one second's burst plus mps × elapsed seconds accepted.
    expect(ok).toBeLessThanOrEqual(MPS * (result.elapsedMs / 1000 + 1) + 2);
    // Past the first second the initial burst is gone and the split is about 50/50.
    const steady = result.timeline.filter((e) => e.atMs >= 1000);
    const steadyThrottled = steady.filter((e) => e.outcome === '400:130429').length / steady.length;
    expect(steadyThrottled).toBeGreaterThan(0.3);
    expect(steadyThrottled).toBeLessThan(0.7);
    expect(throttled / result.started).toBeGreaterThan(0.2);
    expect(throttled / result.started).toBeLessThan(0.65);
  });

  it('refuses none at 0.9 × the configured mps', async () => {
    const t = target();
    const result = await runAtRate({ rate: 0.9 * MPS, count: 1000, durationMs: 3000, maxInFlight: 100 }, (i) => postSend(t, 'tp09', i, 5000));
    expect(result.started).toBeGreaterThan(30);
    expect(result.outcomes).toEqual({ '200': result.started });
  });
});
