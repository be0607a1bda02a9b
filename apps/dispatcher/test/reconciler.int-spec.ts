import { waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness, waitForNumber } from '../src/testing/harness';

/**
 * The overdue sweep (ADR 0035): a message whose row says it is on its way but whose copy is
 * gone (a crash between the row's write and the produce of its copy) is found and sent once.
 * The lost copy is made by writing the row's state directly, as the crash would have left it.
 */
describe('dispatcher overdue sweep (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const NUM = String(100000 + Math.floor(Math.random() * 899999));

  beforeAll(async () => {
    await graph.start();
    await h.start();
    await h.boot({ OVERDUE_GRACE_MS: '1000', RECONCILE_SWEEP_INTERVAL_MS: '300', RECONCILE_TIMEOUT_MS: '1000' });
    await h.number(NUM, graph.url);
    await waitForNumber(h, NUM);
  });
  afterAll(async () => {
    await h.stop();
    await graph.stop();
  });

  const db = () => h.dispatcher!.dataSource;
  const sentTo = (id: string) => graph.sent().filter((c) => c.body['biz_opaque_callback_data'] === id);

  /** A message the dispatcher took and then lost the copy of: the row only, in `status`. */
  async function strand(status: 'scheduled' | 'attempting' | 'accepted', ageMs: number): Promise<string> {
    const req = h.template(NUM, String(4915900000000 + Math.floor(Math.random() * 99999)));
    const past = new Date(Date.now() - ageMs);
    await db().query(
      `INSERT INTO messages (id, tenant_id, phone_number_id, recipient, type, status, version, attempts, request, not_before, attempted_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 3, $7, $8::jsonb, $9, $10, $9, $9)`,
      [req.id, req.tenantId, NUM, req.to, req.type, status, status === 'attempting' ? 1 : 0, JSON.stringify(req), past, status === 'attempting' ? past : null],
    );
    return req.id;
  }

  it('re-queues scheduled, accepted and attempting messages that lost their copy, and each goes out once', async () => {
    const ids = [await strand('scheduled', 60_000), await strand('accepted', 60_000), await strand('attempting', 60_000)];
    await waitFor(() => ids.every((id) => sentTo(id).length === 1), { timeoutMs: 30000, what: 'the stranded messages sent' });
    // the row becomes `sent` once Graph's answer is back, a moment after the stub logged the call
    const statuses = async (): Promise<string[]> =>
      ((await db().query(`SELECT status FROM messages WHERE id = ANY($1)`, [ids])) as { status: string }[]).map((r) => r.status);
    await waitFor(async () => (await statuses()).every((s) => s === 'sent'), { timeoutMs: 15000, what: 'the stranded messages marked sent' }).catch(() => undefined);
    expect(await statuses()).toEqual(['sent', 'sent', 'sent']);
    await new Promise((r) => setTimeout(r, 2000)); // further sweeps find nothing to do
    for (const id of ids) expect(sentTo(id)).toHaveLength(1);
  }, 60000);

  it('leaves alone a message waiting on purpose (scheduled for later)', async () => {
    const later = await strand('scheduled', 60_000);
    await db().query(`UPDATE messages SET not_before = now() + interval '1 hour' WHERE id = $1`, [later]);
    await new Promise((r) => setTimeout(r, 1500)); // several sweeps
    const rows = (await db().query(`SELECT id, status, version FROM messages WHERE id = $1`, [later])) as { id: string; status: string; version: number }[];
    expect(rows[0]).toMatchObject({ status: 'scheduled', version: 3 });
    expect(sentTo(later)).toHaveLength(0);
  }, 30000);
});
