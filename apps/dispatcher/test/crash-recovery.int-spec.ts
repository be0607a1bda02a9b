import { Client } from 'pg';
import { freePort, ServiceProcess, waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness } from '../src/testing/harness';

/**
 * kill -9 exactly where issue 11's 37 sends were lost: messages back from a retry tier, queued
 * at the number's send gate, no Graph call made yet. Since the gate comes before the claim
 * (the claim is made as the call leaves), those rows are not `attempting` while they wait, so
 * a redelivered copy simply sends them; a copy that did claim is reconciled (ADR 0035). Either
 * way each must go out once. The overdue sweep is set far out of reach here, so only the
 * redelivery path can heal it (reconciler.int-spec.ts covers the sweep).
 * Oracle: the Graph stub's call log (outside the dispatcher) and the messages table.
 */
describe('dispatcher killed while deferred messages wait at the send gate (real Kafka and Postgres)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  let proc: ServiceProcess | undefined;
  let db: Client;
  const n = String(300000 + Math.floor(Math.random() * 699999));

  const start = async (): Promise<void> => {
    proc = new ServiceProcess('dispatcher', await freePort(), h.env({
      LOG_LEVEL: 'warn', RECONCILE_TIMEOUT_MS: '6000', OVERDUE_GRACE_MS: '3600000',
      // A deep schedule bucket admits 40 sends at once; the shallow gate lets 10 a second through,
      // so the deferred sends that come back from their tier together queue at the gate.
      NUMBER_BURST_SECONDS: '4', SEND_GATE_BURST_SECONDS: '0.1',
    }));
    await proc.start(60000);
  };

  beforeAll(async () => {
    await graph.start();
    await h.start();
    db = new Client({ connectionString: h.schema.url });
    await db.connect();
    await start();
  }, 120000);
  afterAll(async () => {
    await proc?.kill();
    await db?.end();
    await h.stop();
    await graph.stop();
  });

  const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await db.query<T>(sql.replaceAll('messages', `${h.schema.schema}.messages`), params)).rows;

  it('sends every message exactly once and leaves none non-final after the reconcile timeout', async () => {
    graph.mps.set(n, 1000);
    // Meta's `sent` webhook for every accepted call, as ingress would publish it.
    graph.onSent = (call, wamid) => {
      if (call.phoneNumberId !== n) return;
      void h.status({ wamid, status: 'sent', phoneNumberId: n, recipientId: String(call.body['to']), bizOpaqueCallbackData: String(call.body['biz_opaque_callback_data']) });
    };
    await h.number(n, graph.url, { mps: 10 });
    await waitFor(async () => (await q<{ status: string }>(`SELECT status FROM ${h.schema.schema}.numbers WHERE phone_number_id = $1`, [n]))[0]?.status === 'active', { what: 'number known' });
    // Deferred through a retry tier (sendAt beyond the inline horizon): the request batch is
    // committed at once, and all of them come back from the tier together.
    const sendAt = new Date(Date.now() + 4000).toISOString();
    const reqs = Array.from({ length: 60 }, (_, i) => h.template(n, String(4916000000000 + i), { sendAt }));
    await h.send(reqs);

    // Deferred once (scheduled, v1), back from the tier together: the gate lets 10 a second
    // through, so once a few were called the rest are waiting there.
    const calledIds = (): Set<string> => new Set(graph.calls.map((c) => String(c.body['biz_opaque_callback_data'])));
    await waitFor(async () => calledIds().size >= 5, { timeoutMs: 60000, intervalMs: 20, what: 'deferred sends going out through the gate' });
    await proc!.kill('SIGKILL');
    const waiting = reqs.map((r) => r.id).filter((id) => !calledIds().has(id));
    expect(waiting.length).toBeGreaterThan(20);
    // Claimed only as its call leaves: of those waiting, at most the few in that instant are `attempting`.
    const claimedWaiting = (await q<{ id: string }>(`SELECT id FROM messages WHERE status = 'attempting' AND id = ANY($1)`, [waiting])).length;
    expect(claimedWaiting).toBeLessThanOrEqual(3);
    await start();

    const sentIds = (): string[] => graph.sent().filter((c) => c.phoneNumberId === n).map((c) => String(c.body['biz_opaque_callback_data']));
    await waitFor(() => new Set(sentIds()).size >= reqs.length, { timeoutMs: 90000, what: `all ${reqs.length} sent` }).catch(async (err: Error) => {
      const rows = await q(`SELECT status, version, attempts, count(*)::int AS n FROM messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
      throw new Error(`${err.message}: ${new Set(sentIds()).size} sent; rows ${JSON.stringify(rows)}`);
    });
    // Past the reconcile timeout: nothing more may go out, and nothing is left on its way.
    await waitFor(async () => (await q(`SELECT 1 FROM messages WHERE status IN ('accepted', 'scheduled', 'attempting', 'paused')`)).length === 0,
      { timeoutMs: 30000, what: 'every message final' });
    await new Promise((r) => setTimeout(r, 7000));
    const counts = new Map<string, number>();
    for (const id of sentIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(reqs.length);
    expect([...counts.entries()].filter(([, c]) => c > 1)).toEqual([]);
    for (const id of waiting) expect(counts.get(id)).toBe(1);
  }, 240000);
});
