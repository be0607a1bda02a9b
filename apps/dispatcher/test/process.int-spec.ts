import { Client } from 'pg';
import { freePort, ServiceProcess, waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness } from '../src/testing/harness';

/**
 * The built dispatcher as a real child process (`apps/dispatcher/dist/main.js`): its own CPU,
 * and a process that can be killed with SIGKILL mid-run.
 */
describe('dispatcher as a process (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  let port: number;
  let proc: ServiceProcess;
  let db: Client;

  const startProcess = async (): Promise<void> => {
    proc = new ServiceProcess('dispatcher', port, h.env({ RECONCILE_TIMEOUT_MS: '15000', LOG_LEVEL: process.env['DISPATCHER_DEBUG_BACKLOG'] ? 'debug' : 'warn' }));
    await proc.start(60000);
  };

  const numberStatus = async (id: string): Promise<string | undefined> => {
    const r = await db.query<{ status: string }>(`SELECT status FROM ${h.schema.schema}.numbers WHERE phone_number_id = $1`, [id]);
    return r.rows[0]?.status;
  };

  beforeAll(async () => {
    await graph.start();
    await h.start();
    db = new Client({ connectionString: h.schema.url });
    await db.connect();
    port = await freePort();
    await startProcess();
    await h.collectEvents();
  }, 120000);
  afterAll(async () => {
    await proc?.kill();
    await db?.end();
    await h.stop();
    await graph.stop();
  });

  function num(): string {
    return String(300000 + Math.floor(Math.random() * 699999));
  }

  /** Sustained rate: after the first 150 sends (our bucket's and gate's burst, which Meta's one-second bucket takes). */
  function rateOf(ats: number[]): number {
    const sorted = [...ats].sort((a, b) => a - b).slice(150);
    return ((sorted.length - 1) * 1000) / (sorted[sorted.length - 1]! - sorted[0]!);
  }

  it('sends 600 messages for each of two numbers configured at 200 mps, each exactly once (rate and 130429 count reported; asserted with DISPATCHER_STRICT_RATE=1)', async () => {
    const numbers = [num(), num()];
    for (const n of numbers) {
      graph.mps.set(n, 200);
      await h.number(n, graph.url, { mps: 200 });
    }
    await waitFor(async () => (await numberStatus(numbers[0]!)) === 'active' && (await numberStatus(numbers[1]!)) === 'active', { what: 'numbers known' });
    const reqs = numbers.flatMap((n) => Array.from({ length: 600 }, (_, i) => h.template(n, String(4918000000000 + i))));
    await h.send(reqs);
    await waitFor(() => graph.sent().filter((c) => numbers.includes(c.phoneNumberId)).length >= 1200, { timeoutMs: 150000, what: '1200 sends' });
    const throttled = graph.calls.filter((c) => numbers.includes(c.phoneNumberId) && c.errorCode === 130429).length;
    const rates = numbers.map((n) => rateOf(graph.sent().filter((c) => c.phoneNumberId === n).map((c) => c.at)));
    console.log(`rate (process): ${rates.map((r) => r.toFixed(1)).join(' / ')} mps at 200 configured, 130429: ${throttled}`);
    // Each message went out once, and the dispatcher never ran ahead of the configured rate.
    const sentOnce = new Set(graph.sent().filter((c) => numbers.includes(c.phoneNumberId)).map((c) => c.body['biz_opaque_callback_data']));
    expect(sentOnce.size).toBe(1200);
    // Timing claims need a machine that is not saturated (the stub shares the test process: when
    // it stalls, requests pile up and look like a burst to it, or arrive late and look slow).
    // DISPATCHER_STRICT_RATE=1 asserts the numbers; bench/dispatcher.bench.mjs measures
    // them with 5,000 messages.
    if (process.env['DISPATCHER_STRICT_RATE'] === '1') {
      expect(throttled).toBe(0);
      for (const r of rates) {
        expect(r).toBeGreaterThanOrEqual(190);
        expect(r).toBeLessThanOrEqual(210);
      }
    }
  }, 200000);

  it('after kill -9 at random points and restarts, every message is sent exactly once (reconciled by status webhooks)', async () => {
    const n = num();
    graph.mps.set(n, 1000);
    // Meta's `sent` webhook for every accepted send, as ingress would publish it.
    graph.onSent = (call, wamid) => {
      if (call.phoneNumberId !== n) return;
      void h.status({ wamid, status: 'sent', phoneNumberId: n, recipientId: String(call.body['to']), bizOpaqueCallbackData: String(call.body['biz_opaque_callback_data']) });
    };
    await h.number(n, graph.url, { mps: 1000 });
    await waitFor(async () => (await numberStatus(n)) === 'active', { what: 'number known' });
    const reqs = Array.from({ length: 2000 }, (_, i) => h.template(n, String(4919000000000 + i)));
    await h.send(reqs);
    const sentIds = (): string[] => graph.sent().filter((c) => c.phoneNumberId === n).map((c) => String(c.body['biz_opaque_callback_data']));
    for (const at of [300, 900, 1500]) {
      await waitFor(() => sentIds().length >= at, { timeoutMs: 60000, what: `${at} sends before a kill` }).catch(async (err: Error) => {
        const rows = await db.query(`SELECT status, count(*) FROM ${h.schema.schema}.messages GROUP BY status`);
        const admin = h.kafka.admin();
        await admin.connect();
        const st = `wa.status.updated.v1.${h.suffix}`;
        const diag = JSON.stringify({
          high: await admin.fetchTopicOffsets(st),
          committed: await admin.fetchOffsets({ groupId: `dispatcher-${h.suffix}-state`, topics: [st] }),
          groups: (await admin.describeGroups([`dispatcher-${h.suffix}-state`, `dispatcher-${h.suffix}`])).groups.map((g) => ({ id: g.groupId, state: g.state, members: g.members.length })),
        });
        await admin.disconnect();
        throw new Error(`${err.message}: ${diag} ${new Set(sentIds()).size} sent; rows ${JSON.stringify(rows.rows)}; output: ${proc.output.split('\n').filter((l) => !/ListOffsets|not the leader/.test(l)).slice(-30).join('\n')}`);
      });
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 50)));
      await proc.kill('SIGKILL');
      await startProcess();
    }
    await waitFor(() => new Set(sentIds()).size >= 2000, { timeoutMs: 90000, what: 'all 2000 sent' }).catch(async (err: Error) => {
      const rows = await db.query(`SELECT status, count(*) FROM ${h.schema.schema}.messages GROUP BY status`);
      const m = await (await fetch(`${proc.url}/metrics`)).text();
      throw new Error(`${err.message}: ${new Set(sentIds()).size} sent; rows ${JSON.stringify(rows.rows)}; ${m.split('\n').filter((l) => /^dispatcher_(reconc|retries|dupl)/.test(l)).join(' | ')}; ${proc.output.split('\n').filter((l) => l.includes('statuses not yet applied')).slice(-5).join(' / ')}`);
    });
    await new Promise((r) => setTimeout(r, 16000)); // past the reconciliation timeout: nothing more may go out
    const counts = new Map<string, number>();
    for (const id of sentIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((c) => c > 1).length;
    const metrics = await (await fetch(`${proc.url}/metrics`)).text();
    const reconciled = metrics.split('\n').filter((l) => l.startsWith('dispatcher_reconciliations_total'));
    console.log(`kill -9 run: ${counts.size} distinct sent, ${sentIds().length} successful Graph calls, ${duplicates} duplicates; last process: ${reconciled.join('; ') || 'no reconciliations'}`);
    expect(counts.size).toBe(2000);
    expect(duplicates).toBe(0);
  }, 240000);
  it('while instances leave (SIGTERM) and join mid-run, the partitions move and every message is sent exactly once', async () => {
    const numbers = [num(), num(), num(), num()];
    // 4 × 20 mps: the 3,000 take ~40 s, so a joiner started after 800 (a process start takes
    // 10-20 s on a loaded 2-core box) still joins while sends are under way
    for (const n of numbers) {
      graph.mps.set(n, 20);
      await h.number(n, graph.url, { mps: 20 });
    }
    await waitFor(async () => (await Promise.all(numbers.map(numberStatus))).every((s) => s === 'active'), { what: 'numbers known' });
    const group = `dispatcher-${h.suffix}`;
    const admin = h.kafka.admin();
    await admin.connect();
    const members = async (): Promise<number> => (await admin.describeGroups([group])).groups[0]?.members.length ?? 0;
    const second = new ServiceProcess('dispatcher', await freePort(), h.env({ RECONCILE_TIMEOUT_MS: '15000', LOG_LEVEL: 'warn' }));
    let third: ServiceProcess | undefined;
    try {
      await second.start(60000);
      await waitFor(async () => (await members()) === 2, { timeoutMs: 30000, what: 'two members in the group' });
      const reqs = numbers.flatMap((n) => Array.from({ length: 750 }, (_, i) => h.template(n, String(4917500000000 + i))));
      await h.send(reqs);
      const mine = new Set(reqs.map((r) => r.id));
      const sentIds = (): string[] => graph.sent().map((c) => String(c.body['biz_opaque_callback_data'])).filter((id) => mine.has(id));
      await waitFor(() => sentIds().length >= 400, { timeoutMs: 60000, what: '400 sends before an instance leaves' });
      // the second instance owned partitions and was sending when it left
      const sendsOf = async (p: ServiceProcess): Promise<number> => (await (await fetch(`${p.url}/metrics`)).text()).split('\n')
        .filter((l) => l.startsWith('dispatcher_graph_sends_total{') && numbers.some((n) => l.includes(`"${n}"`)))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      expect(await sendsOf(second)).toBeGreaterThan(0);
      await second.stop(); // graceful: in-flight batches commit, then it leaves the group
      await waitFor(() => sentIds().length >= 800, { timeoutMs: 60000, what: '800 sends before an instance joins' });
      third = new ServiceProcess('dispatcher', await freePort(), h.env({ RECONCILE_TIMEOUT_MS: '15000', LOG_LEVEL: 'warn' }));
      await third.start(60000);
      await waitFor(async () => (await members()) === 2, { timeoutMs: 30000, what: 'the new member in the group' });
      expect(new Set(sentIds()).size).toBeLessThan(3000); // it joined mid-run: partitions moved under load
      await waitFor(() => new Set(sentIds()).size >= 3000, { timeoutMs: 120000, what: 'all 3000 sent' });
      await new Promise((r) => setTimeout(r, 3000)); // a late second copy would show up here
      const counts = new Map<string, number>();
      for (const id of sentIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect(counts.size).toBe(3000);
      expect([...counts.values()].filter((c) => c > 1)).toEqual([]);
    } finally {
      await second.kill().catch(() => undefined);
      await third?.stop().catch(() => undefined);
      await admin.disconnect();
    }
  }, 240000);
});
