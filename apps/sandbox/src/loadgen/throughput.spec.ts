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
    // Past the first second the initial burst is gone: offered more than its rate, the number
    // accepts about `MPS` per second and refuses the rest. Counted against the seconds the
    // generator actually spent there, not as a share of what it offered: on a busy machine the
    // generator lags and offers less than 2 × MPS, so the refused share falls while the
    // accepted rate stays the bucket's (the share form failed CI once at 0.27 for > 0.3).
    const steady = result.timeline.filter((e) => e.atMs >= 1000);
    const steadySec = (Math.max(...steady.map((e) => e.atMs)) - 1000) / 1000;
    const steadyOk = steady.filter((e) => e.outcome === '200').length;
    expect(steadySec).toBeGreaterThan(2);
    expect(steadyOk).toBeGreaterThanOrEqual(0.6 * MPS * steadySec);
    expect(steadyOk).toBeLessThanOrEqual(MPS * (steadySec + 1) + 2);
    // (with the bound above and the one on `ok`, a rule that refused nothing fails: 2 × MPS is
    // offered for 4 s)
    expect(throttled).toBeGreaterThan(0);
  });

  it('refuses none at 0.9 × the configured mps', async () => {
    const t = target();
    const result = await runAtRate({ rate: 0.9 * MPS, count: 1000, durationMs: 3000, maxInFlight: 100 }, (i) => postSend(t, 'tp09', i, 5000));
    expect(result.started).toBeGreaterThan(30);
    expect(result.outcomes).toEqual({ '200': result.started });
  });
});
