import { ServiceProcess, waitFor } from '@wabridge/testing';
import { call, Platform, postAll } from './platform-harness';

// Issue 11's drill: kill -9 the dispatcher three times at varied points while 3,000 accepted
// sends are on their way, most of them deferred by the number's rate (80 mps) through the retry
// tiers and some retried after Meta's transient errors. Oracle outside the dispatcher: the
// sandbox's call log (every accepted id sent exactly once) and, after the reconcile timeout plus
// one minute at most, no message left on its way in the dispatcher's table.
const NUMBER = { phoneNumberId: '109000000000077', displayPhoneNumber: '15550007777', wabaId: '209000000000077', accessToken: 'crash-graph-token', mps: 80, tier: 'unlimited' };
const TOTAL = 3000;
const RECONCILE_TIMEOUT_MS = 20000;

describe('dispatcher kill -9 during 3,000 rate-limited and retried sends (whole platform, sandbox as Meta)', () => {
  const platform = new Platform({
    serviceEnv: {
      dispatcher: { RECONCILE_TIMEOUT_MS: String(RECONCILE_TIMEOUT_MS), OVERDUE_GRACE_MS: '20000', RECONCILE_SWEEP_INTERVAL_MS: '5000' },
      gateway: { RATE_LIMIT_PER_MINUTE: '1000000' },
      sandbox: { STATUS_READ_RATE: '0' },
    },
  });
  let apiKey: string;

  beforeAll(async () => {
    await platform.start();
    apiKey = await platform.onboard(NUMBER);
  }, 300000);
  afterAll(() => platform.stop(), 120000);

  it('sends every accepted message exactly once and leaves none on its way', async () => {
    const sandbox = platform.get('sandbox');
    // Meta's transient errors (131000) on 3 % of calls: those messages are retried.
    expect((await call('POST', `${sandbox.url}/_sandbox/faults`, { phoneNumberId: NUMBER.phoneNumberId, errorRate: 0.03, errorCode: 131000 })).status).toBeLessThan(300);
    const gw = platform.get('gateway').url;
    const auth = { authorization: `Bearer ${apiKey}` };
    const replies = await postAll(Array.from({ length: TOTAL }, (_, i) => ({
      url: `${gw}/v1/messages`, headers: auth,
      body: { phoneNumberId: NUMBER.phoneNumberId, to: String(4917000000000 + i), type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    })));
    const accepted = replies.filter((r) => r.status === 202).map((r) => r.body.id as string);
    expect(accepted).toHaveLength(TOTAL);

    const calls = async (): Promise<{ id: string; ok: boolean }[]> => {
      const r = await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`);
      return (r.body.calls as { body: { biz_opaque_callback_data?: string }; httpStatus: number }[])
        .filter((c) => c.body.biz_opaque_callback_data !== undefined)
        .map((c) => ({ id: c.body.biz_opaque_callback_data!, ok: c.httpStatus === 200 }));
    };
    const dispatcher: ServiceProcess = platform.get('dispatcher');
    for (const at of [400, 1300, 2200]) {
      await waitFor(async () => (await calls()).filter((c) => c.ok).length >= at, { timeoutMs: 120000, intervalMs: 250, what: `${at} sends before a kill` })
        .catch(async (err: Error) => {
          const rows = await platform.query('dispatcher', `SELECT status, error_class, error_message, count(*)::int AS n FROM messages GROUP BY 1, 2, 3`);
          const c = await calls();
          throw new Error(`${err.message}: sandbox calls ${c.length} (${c.filter((x) => x.ok).length} ok); dispatcher rows ${JSON.stringify(rows)}; ${dispatcher.output.slice(-2000)}`);
        });
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 200)));
      await dispatcher.kill('SIGKILL');
      await dispatcher.start(120000);
    }

    const mine = new Set(accepted);
    const sentCounts = async (): Promise<Map<string, number>> => {
      const counts = new Map<string, number>();
      for (const c of await calls()) if (c.ok && mine.has(c.id)) counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
      return counts;
    };
    const live = (): Promise<{ status: string; n: number }[]> =>
      platform.query('dispatcher', `SELECT status, count(*)::int AS n FROM messages WHERE status IN ('accepted', 'scheduled', 'attempting', 'paused') GROUP BY status`);
    await waitFor(async () => (await sentCounts()).size >= TOTAL, { timeoutMs: 180000, intervalMs: 1000, what: `all ${TOTAL} sent` }).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${(await sentCounts()).size} sent; on their way: ${JSON.stringify(await live())}`);
    });
    await waitFor(async () => (await live()).length === 0, { timeoutMs: RECONCILE_TIMEOUT_MS + 60000, intervalMs: 1000, what: 'no message left on its way' })
      .catch(async (err: Error) => { throw new Error(`${err.message}: ${JSON.stringify(await live())}`); });
    const counts = await sentCounts();
    const retried = (await calls()).filter((c) => !c.ok).length;
    console.log(`dispatcher crash drill: ${counts.size} distinct sent, ${retried} failed calls retried, 3 kills`);
    expect(counts.size).toBe(TOTAL);
    expect([...counts.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(retried).toBeGreaterThan(0);
    // The customer's view agrees: nothing stays `accepted` in the gateway's projection.
    await waitFor(async () => (await platform.query<{ n: number }>('gateway', `SELECT count(*)::int AS n FROM messages WHERE status IN ('accepted', 'retry-scheduled')`))[0]!.n === 0,
      { timeoutMs: 30000, what: 'the gateway to show every message past accepted' });
  }, 600000);
});
