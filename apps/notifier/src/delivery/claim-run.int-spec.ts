import { DataSource } from 'typeorm';
import { waitFor } from '@wabridge/testing';
import { EventStore } from '../events/event-store';
import { fromInbound } from '../events/public-event.mapper';
import { slowReceiver } from '../testing/slow-receiver';
import { inbound, NotifierHarness, num } from '../testing/notifier-harness';
import { DeliveriesRepository } from './deliveries.repository';

/** ADR 0197: a claim takes a conversation's due deliveries in one go, in id order, never past one that must wait. */
describe('notifier claim runs: a conversation waiting for a claim is taken whole, in order', () => {
  let h: NotifierHarness;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    h = await NotifierHarness.start();
  }, 90000);
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await h?.stop();
  });

  it('leases the unbroken run of due, unleased deliveries behind the oldest, up to the limit, and none of a held conversation', async () => {
    const tenant = `tcr-${num()}`;
    const pn = num();
    // a disabled endpoint: the worker never claims for it, the test calls the repository itself
    const ep = await h.endpoint(tenant, { url: 'http://127.0.0.1:9/unused' });
    expect((await h.http('PATCH', `/v1/webhook-endpoints/${ep.id}`, { tenant, body: { enabled: false } })).status).toBe(200);
    const store = h.app.get(EventStore);
    const repo = h.app.get(DeliveriesRepository);
    const ds = h.app.get(DataSource);
    const now = new Date();
    const conv = (waId: string, n: number) => Array.from({ length: n }, (_, i) => fromInbound(inbound(pn, waId, `wamid.cr-${pn}-${waId}-${i}`), tenant));
    const a = conv('4917300000001', 6);
    const b = conv('4917300000002', 4);
    const c = conv('4917300000003', 2);
    const all = [...a, ...b, ...c];
    await store.write(ds, all, now, { fanOut: false });
    await store.insertDeliveries(ds, all.map((e) => ({ endpoint: ep.id, tenant, event: e.id, conv: e.conversationKey })), 'live', now);
    const rows = await h.sql<{ id: string; event_id: string }>(`SELECT id::text, event_id FROM deliveries WHERE endpoint_id = $1 ORDER BY id`, [ep.id]);
    const idOf = new Map(rows.map((r) => [r.event_id, r.id]));
    // conversation a: its 5th delivery waits for a retry, so the run ends before it
    await h.sql(`UPDATE deliveries SET next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [idOf.get(a[4]!.id)]);
    // conversation c is held by another instance
    await h.sql(`INSERT INTO conversation_leases (endpoint_id, conversation_key, owner, token, until) VALUES ($1, $2, 'other', 'other:1', now() + interval '1 minute')`, [ep.id, c[0]!.conversationKey]);

    const until = new Date(Date.now() + 60000);
    const heads = [a[0]!, b[0]!, c[0]!].map((e) => idOf.get(e.id)!);
    const got = await repo.lease(ds, heads, new Date(), heads.map(() => until), 'test-owner', 'test-owner:1', 3);
    const claimedEvents = (conversation: typeof a) => got.claimed.filter((d) => d.conversation_key === conversation[0]!.conversationKey).map((d) => d.event_id);
    // a: the first 3 (the limit), in id order; b: all 3 of the limit too — each with its body and own lease
    expect(claimedEvents(a)).toEqual(a.slice(0, 3).map((e) => e.id));
    expect(claimedEvents(b)).toEqual(b.slice(0, 3).map((e) => e.id));
    expect(claimedEvents(c)).toEqual([]);
    expect(got.claimed.every((d) => d.body && d.until.getTime() === until.getTime())).toBe(true);
    expect(got.orphans).toEqual([]);
    expect(got.gaps).toEqual([]);

    // the rest of a: the claim that follows its lease stops at the delivery waiting for its retry
    await repo.release(ds, [{ endpointId: ep.id, conv: a[0]!.conversationKey, token: 'test-owner:1' }], []);
    await h.sql(`UPDATE deliveries SET status = 'delivered' WHERE id = ANY($1::bigint[])`, [a.slice(0, 3).map((e) => idOf.get(e.id))]);
    const next = await repo.lease(ds, [idOf.get(a[3]!.id)!], new Date(), [until], 'test-owner', 'test-owner:2', 32);
    expect(next.claimed.map((d) => d.event_id)).toEqual([a[3]!.id]);
  }, 60000);

  it('sends deliveries that waited for a claim one at a time, in order', async () => {
    const tenant = `tcs-${num()}`;
    const pn = num();
    const r = await slowReceiver(10);
    closers.push(r.close);
    await h.endpoint(tenant, { url: r.url });
    const store = h.app.get(EventStore);
    const ds = h.app.get(DataSource);
    // stored without the fast path: every delivery waits for the claim path
    const waIds = ['4917400000001', '4917400000002'];
    const events = Array.from({ length: 20 }, (_, i) => fromInbound(inbound(pn, waIds[i % 2]!, `wamid.cs-${pn}-${i}`), tenant));
    expect(await store.write(ds, events, new Date())).toBe(20);

    await waitFor(() => r.hits.filter((x) => x.answered > 0).length === 20, { timeoutMs: 30000, what: '20 deliveries answered' });
    expect(r.hits).toHaveLength(20);
    for (let c = 0; c < waIds.length; c++) {
      const produced = Array.from({ length: 10 }, (_, k) => `wamid.cs-${pn}-${2 * k + c}`);
      const seq = r.hits.filter((x) => produced.includes(x.wamid)).sort((x, y) => x.arrived - y.arrived);
      // in id (= stored) order, and the next only after the previous was answered
      expect(seq.map((x) => x.wamid)).toEqual(produced);
      for (let k = 1; k < seq.length; k++) expect(seq[k]!.arrived).toBeGreaterThan(seq[k - 1]!.answered);
    }
    await waitFor(async () => (await h.sql(`SELECT 1 FROM conversation_leases WHERE endpoint_id IN (SELECT id FROM endpoints WHERE tenant_id = $1)`, [tenant])).length === 0, {
      what: 'every conversation lease released',
    });
  }, 60000);
});
