import { DataSource } from 'typeorm';
import { waitFor } from '@wabridge/testing';
import { EventStore } from '../events/event-store';
import { fromInbound } from '../events/public-event.mapper';
import { inbound, NotifierHarness, num } from '../testing/notifier-harness';
import { DeliveriesRepository } from './deliveries.repository';

/**
 * ADR 0200: every statement that changes conversation leases locks them in key order. The consumer's
 * statement (leases it extends) and the outcome statement (leases it gives back) locked them in
 * whatever order their plans met them, and deadlocked in the bench: Postgres aborted the consumer's
 * statement after deadlock_timeout (1 s), stalling the consumer and a whole outcome group.
 *
 * Each test holds the lock of the conversation with the highest key and starts a statement that
 * changes all of them (their rows laid out and passed in another order): while it waits for that
 * one, it must hold every other one already.
 */
describe('notifier conversation leases: locked in key order by the consumer and the outcome statements', () => {
  let h: NotifierHarness;
  let ds: DataSource;
  beforeAll(async () => {
    h = await NotifierHarness.start();
    ds = h.app.get(DataSource);
  }, 90000);
  afterAll(async () => {
    await h?.stop();
  });

  const conversations = 16;
  /** Keys whose sorted order is not the order they are inserted or passed in. */
  const keysOf = (pn: string): string[] => Array.from({ length: conversations }, (_, i) => `${pn}:49175${String((i * 7) % conversations).padStart(8, '0')}`);

  /** Leases of `owner` for each key, laid out in the table in the given order, each with a pending delivery leased under it. */
  async function held(tenant: string, pn: string, owner: string, keys: string[]): Promise<{ endpointId: string; ids: string[] }> {
    const ep = await h.endpoint(tenant, { url: 'http://127.0.0.1:9/never' });
    const store = h.app.get(EventStore);
    const now = new Date();
    const events = keys.map((k, i) => fromInbound(inbound(pn, k.split(':')[1]!, `wamid.lo-${pn}-${i}`), tenant));
    const w = await store.writeAndLease(ds, events, now, {}, { owner, token: `${owner}:1`, until: new Date(now.getTime() + 60_000), blocked: [] });
    expect(w.leased).toHaveLength(keys.length);
    // new row versions in `keys` order: a scan meets them in that order, not in key order
    for (const k of keys) await h.sql(`UPDATE conversation_leases SET until = until + interval '1 ms' WHERE endpoint_id = $1 AND conversation_key = $2`, [ep.id, k]);
    return { endpointId: ep.id, ids: w.leased.map((d) => d.id) };
  }

  /** Runs `statement` while another transaction holds the highest key's lease; returns the keys it had not locked while waiting for it. */
  async function unlockedWhileWaiting(endpointId: string, keys: string[], statement: () => Promise<unknown>): Promise<string[]> {
    const last = [...keys].sort().at(-1)!;
    const blocker = ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    let running: Promise<unknown> | undefined;
    try {
      await blocker.query(`SELECT 1 FROM conversation_leases WHERE endpoint_id = $1 AND conversation_key = $2 FOR UPDATE`, [endpointId, last]);
      running = statement();
      // a backend waiting for a row of this schema's conversation_leases (it holds the tuple lock while it waits)
      await waitFor(async () => (await h.sql(
        `SELECT 1 FROM pg_locks t JOIN pg_locks w ON w.pid = t.pid AND w.locktype = 'transactionid' AND NOT w.granted
         WHERE t.locktype = 'tuple' AND t.relation = 'conversation_leases'::regclass AND t.pid <> pg_backend_pid()`,
      )).length > 0, { what: 'the statement waiting for the highest key' });
      const free = await h.sql<{ k: string }>(
        `SELECT conversation_key AS k FROM conversation_leases WHERE endpoint_id = $1 AND conversation_key <> $2 FOR UPDATE SKIP LOCKED`, [endpointId, last],
      );
      return free.map((r) => r.k);
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
      await running;
    }
  }

  it("locks the leases the consumer's statement extends in key order", async () => {
    const tenant = `tlo-${num()}`;
    const pn = num();
    await h.announce(pn, tenant);
    const keys = keysOf(pn);
    const { endpointId } = await held(tenant, pn, 'an-instance', keys);
    const store = h.app.get(EventStore);
    const next = [...keys].reverse().map((k, i) => fromInbound(inbound(pn, k.split(':')[1]!, `wamid.lo2-${pn}-${i}`), tenant));
    const now = new Date();
    let written: Awaited<ReturnType<EventStore['writeAndLease']>> | undefined;
    const free = await unlockedWhileWaiting(endpointId, keys, async () => {
      written = await store.writeAndLease(ds, next, now, {}, { owner: 'an-instance', token: 'an-instance:2', until: new Date(now.getTime() + 60_000), blocked: [] });
    });
    expect(free).toEqual([]);
    // and it still extends them all: the second delivery of each conversation is handed over under the same lease
    expect(written!.leased).toHaveLength(conversations);
    expect(written!.leased.every((d) => d.extended && d.token === 'an-instance:1')).toBe(true);
  }, 60000);

  it('locks the leases the outcome statement gives back in key order', async () => {
    const tenant = `tlr-${num()}`;
    const pn = num();
    await h.announce(pn, tenant);
    const keys = keysOf(pn);
    const { endpointId, ids } = await held(tenant, pn, 'an-instance', keys);
    const repo = h.app.get(DeliveriesRepository);
    const at = new Date();
    const shuffled = [...keys].reverse();
    const free = await unlockedWhileWaiting(endpointId, keys, () => repo.delivered(
      ds, ids.map((id) => ({ id, statusCode: 200, latencyMs: 1, at })), [], shuffled.map((conv) => ({ endpointId, conv, token: 'an-instance:1' })),
    ));
    expect(free).toEqual([]);
    expect(await h.sql(`SELECT 1 FROM conversation_leases WHERE endpoint_id = $1`, [endpointId])).toHaveLength(0);
  }, 60000);
});
