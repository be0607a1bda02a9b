import { DataSource } from 'typeorm';
import { INBOUND_MESSAGE_V1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { EventStore } from '../events/event-store';
import { SourceEventsService } from '../events/source-events.service';
import { fromInbound } from '../events/public-event.mapper';
import { slowReceiver } from '../testing/slow-receiver';
import { inbound, NotifierHarness, num, status } from '../testing/notifier-harness';
import { deliveryMetrics } from './delivery.metrics';

const metric = async (m: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }, labels: Record<string, string> = {}): Promise<number> =>
  (await m.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;

/** ADR 0097: deliveries handed from the consumer's insert to the worker in memory (fast path). */
describe('notifier fast path: order per conversation across topics, nothing lost when the process dies after the insert', () => {
  let h: NotifierHarness;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    h = await NotifierHarness.start();
  }, 90000);
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await h?.stop();
  });

  it('sends the messages and statuses of one conversation one at a time, each topic in its order, while they are handed over in memory', async () => {
    const tenant = `tfp-${num()}`;
    const pn = num();
    await h.announce(pn, tenant);
    const r = await slowReceiver(15);
    closers.push(r.close);
    await h.endpoint(tenant, { url: r.url });
    const handedBefore = (await deliveryMetrics.handedOver.get()).values[0]?.value ?? 0;

    const conversations = 6;
    const perConversation = 12;
    const waIds = Array.from({ length: conversations }, (_, c) => `49171000000${c}`);
    const isStatus = (i: number): boolean => i % 3 === 2;
    const wamidOf = (c: number, i: number): string => (isStatus(i) ? `wamid.fs-${pn}-${c}-${i}` : `wamid.fm-${pn}-${c}-${i}`);
    // inbound messages and statuses of the same conversations, produced at the same time on their two topics
    await Promise.all([
      (async () => {
        for (let i = 0; i < perConversation; i++) {
          if (isStatus(i)) continue;
          for (let c = 0; c < conversations; c++) await h.publish(INBOUND_MESSAGE_V1, `${pn}:${waIds[c]}`, inbound(pn, waIds[c]!, wamidOf(c, i)), { 'tenant-id': tenant });
        }
      })(),
      (async () => {
        for (let i = 0; i < perConversation; i++) {
          if (!isStatus(i)) continue;
          for (let c = 0; c < conversations; c++) await h.publish(STATUS_UPDATED_V1, `${pn}:${waIds[c]}`, status(pn, waIds[c]!, wamidOf(c, i), 'delivered'), { 'tenant-id': tenant });
        }
      })(),
    ]);
    const total = conversations * perConversation;
    await waitFor(() => new Set(r.hits.filter((x) => x.answered > 0).map((x) => x.id)).size === total, { timeoutMs: 30000, what: `${total} deliveries answered` });

    // each once (the receiver always answered 200)
    expect(r.hits).toHaveLength(total);
    for (let c = 0; c < conversations; c++) {
      const seq = r.hits.filter((x) => x.conv === waIds[c]).sort((a, b) => a.arrived - b.arrived);
      expect(seq).toHaveLength(perConversation);
      // one at a time: the next of a conversation arrives only after the previous was answered
      for (let k = 1; k < seq.length; k++) expect(seq[k]!.arrived).toBeGreaterThan(seq[k - 1]!.answered);
      // each topic's order holds within the conversation
      const produced = Array.from({ length: perConversation }, (_, i) => wamidOf(c, i));
      expect(seq.map((x) => x.wamid).filter((w) => w.startsWith('wamid.fm-'))).toEqual(produced.filter((w) => w.startsWith('wamid.fm-')));
      expect(seq.map((x) => x.wamid).filter((w) => w.startsWith('wamid.fs-'))).toEqual(produced.filter((w) => w.startsWith('wamid.fs-')));
    }
    // the fast path did the work (not only the claim path)
    const handed = ((await deliveryMetrics.handedOver.get()).values[0]?.value ?? 0) - handedBefore;
    expect(handed).toBeGreaterThan(0);
    await waitFor(async () => (await h.sql(`SELECT 1 FROM conversation_leases WHERE endpoint_id IN (SELECT id FROM endpoints WHERE tenant_id = $1)`, [tenant])).length === 0, {
      what: 'every conversation lease released',
    });
  }, 60000);

  it('delivers a delivery whose lease holder died between the insert and the POST once its lease expires, before the next of its conversation', async () => {
    const tenant = `tfc-${num()}`;
    const pn = num();
    const waId = '4917200000001';
    await h.announce(pn, tenant);
    const r = await slowReceiver(0);
    closers.push(r.close);
    await h.endpoint(tenant, { url: r.url });

    // "another instance" stores an event with the fast path's lease and dies before handing it over
    const store = h.app.get(EventStore);
    const ds = h.app.get(DataSource);
    const orphan = fromInbound(inbound(pn, waId, `wamid.crash-${pn}-1`), tenant);
    const now = new Date();
    const written = await store.writeAndLease(ds, [orphan], now, {}, {
      owner: 'a-killed-instance', token: 'a-killed-instance:1', until: new Date(now.getTime() + 1500), blocked: [],
    });
    expect(written).toMatchObject({ created: 1, leased: [expect.objectContaining({ event_id: orphan.id, extended: false })] });
    // the next message of that conversation arrives through Kafka and must wait behind it
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:${waId}`, inbound(pn, waId, `wamid.crash-${pn}-2`), { 'tenant-id': tenant });

    await waitFor(() => r.hits.length >= 2, { timeoutMs: 20000, what: 'both delivered after the lease expired' });
    await waitFor(async () => (await h.sql<{ n: string }>(
      `SELECT count(*)::text AS n FROM deliveries WHERE tenant_id = $1 AND status = 'delivered'`, [tenant],
    ))[0]!.n === '2', { what: 'both recorded delivered' });
    expect(r.hits.map((x) => x.wamid)).toEqual([`wamid.crash-${pn}-1`, `wamid.crash-${pn}-2`]);
    expect(r.hits[0]!.id).toBe(orphan.id);
    expect(await h.sql(`SELECT 1 FROM conversation_leases WHERE endpoint_id IN (SELECT id FROM endpoints WHERE tenant_id = $1)`, [tenant])).toHaveLength(0);
  }, 60000);

  it('keeps a conversation on the hand-over path when its next message is stored while its last outcome is still queued (ADR 0199)', async () => {
    const tenant = `tfk-${num()}`;
    const pn = num();
    const [waA, waB] = ['4917300000001', '4917300000002'];
    await h.announce(pn, tenant);
    const r = await slowReceiver(0);
    closers.push(r.close);
    const ep = await h.endpoint(tenant, { url: r.url });
    const events = h.app.get(SourceEventsService);
    const ds = h.app.get(DataSource);
    const store = (waId: string, wamid: string): Promise<void> =>
      events.handle(INBOUND_MESSAGE_V1.topic, [{ payload: inbound(pn, waId, `${wamid}-${pn}`), headerTenant: tenant }]);

    // Outcome statements of this endpoint wait while a transaction holds its row (a successful
    // outcome clears `failing_since`; the consumer's foreign-key checks only share it): B's statement
    // is then in flight and A's outcome queued behind it.
    await h.sql(`UPDATE endpoints SET failing_since = now() WHERE id = $1`, [ep.id]);
    const blocker = ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query(`SELECT 1 FROM endpoints WHERE id = $1 FOR NO KEY UPDATE`, [ep.id]);
      await store(waB, 'wamid.kb');
      // a backend that holds a lock on this schema's endpoints table waits for another lock: B's outcome statement
      await waitFor(async () => (await h.sql(
        `SELECT 1 FROM pg_locks w JOIN pg_locks t ON t.pid = w.pid AND t.relation = 'endpoints'::regclass WHERE NOT w.granted AND w.pid <> pg_backend_pid()`,
      )).length > 0, { what: "B's outcome statement waiting" });
      const delivered = await metric(deliveryMetrics.attempts, { outcome: 'delivered' });
      await store(waA, 'wamid.ka1');
      // A1 answered and counted: its outcome (the last of A here, giving A's lease back) is queued
      await waitFor(async () => (await metric(deliveryMetrics.attempts, { outcome: 'delivered' })) === delivered + 1, { what: 'A1 answered' });
      const handed = await metric(deliveryMetrics.handedOver);
      await store(waA, 'wamid.ka2');
      expect(await metric(deliveryMetrics.handedOver)).toBe(handed + 1);
      // not sent before A1's outcome is committed
      expect(r.hits.map((x) => x.wamid)).toEqual([`wamid.kb-${pn}`, `wamid.ka1-${pn}`]);
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    await waitFor(() => r.hits.length === 3 && r.hits[2]!.answered > 0, { what: 'A2 delivered' });
    expect(r.hits.map((x) => x.wamid)).toEqual([`wamid.kb-${pn}`, `wamid.ka1-${pn}`, `wamid.ka2-${pn}`]);
    await waitFor(async () => (await h.sql<{ n: string }>(
      `SELECT count(*)::text AS n FROM deliveries WHERE tenant_id = $1 AND status = 'delivered'`, [tenant],
    ))[0]!.n === '3', { what: 'all three recorded delivered' });
    await waitFor(async () => (await h.sql(`SELECT 1 FROM conversation_leases WHERE endpoint_id = $1`, [ep.id])).length === 0, {
      what: 'both conversation leases released',
    });
  }, 60000);
});
