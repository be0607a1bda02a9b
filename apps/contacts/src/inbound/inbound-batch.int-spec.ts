import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { contactsHarnessForSuite, inbound } from '../testing/contacts-harness';
import { InboundService } from './inbound.service';

const DAY = 24 * 60 * 60 * 1000;
const USERS = 50;

describe('contacts applies inbound messages in batches (real Kafka and Postgres)', () => {
  const h = contactsHarnessForSuite();

  it('applies a batch of 150+ inbound messages for 50 contacts in one handler call: windows, names, opt-outs, a merge, a duplicate', async () => {
    const tenant = `tenant-batch-${h.suffix}`;
    const pn = `${Date.now() % 1e9}77`;
    await h.announceNumber(pn, tenant);
    // A message for the number proves the tenant is known before the batch is produced.
    await h.publish(INBOUND_MESSAGE_V1, pn, inbound({ wamid: `wamid.warmup.${h.suffix}`, phoneNumberId: pn, waId: '4915200000999' }));
    await waitFor(async () => (await h.contacts(tenant)).length === 1, { what: 'the warm-up contact' });

    const batchCalls: string[][] = [];
    const service = h.app.get(InboundService);
    const original = service.handleBatch.bind(service);
    const spy = jest.spyOn(service, 'handleBatch').mockImplementation(async (events: InboundMessageV1[]) => {
      batchCalls.push(events.map((e) => e.wamid));
      return original(events);
    });

    const base = Date.parse('2026-01-01T08:00:00.000Z');
    const waIdOf = (u: number): string => String(4915100000000 + u);
    const events: InboundMessageV1[] = [];
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < USERS; u++) {
        // The last message of every tenth user says STOP; user 5 says STOP first and START last.
        let body = `hello ${round}`;
        if (round === 2 && u % 10 === 0) body = 'STOP';
        if (u === 5 && round === 0) body = 'STOP';
        if (u === 5 && round === 2) body = 'START';
        events.push(inbound({
          wamid: `wamid.b.${h.suffix}.${u}.${round}`, phoneNumberId: pn, waId: waIdOf(u), userId: `US.b${u}`,
          profileName: `User ${u} r${round}`, occurredAt: new Date(base + (round * USERS + u) * 1000).toISOString(),
          raw: { type: 'text', text: { body } },
        }));
      }
    }
    // A phone-only contact and a BSUID-only contact that a later message shows to be one user (merge path).
    const mergeWa = '4915209990001';
    const at = (s: number): string => new Date(base + 1000 * 1000 + s * 1000).toISOString();
    events.splice(20, 0, inbound({ wamid: `wamid.m1.${h.suffix}`, phoneNumberId: pn, waId: mergeWa, occurredAt: at(1) }));
    events.splice(60, 0, inbound({ wamid: `wamid.m2.${h.suffix}`, phoneNumberId: pn, userId: 'US.merge', profileName: 'Merged', occurredAt: at(2) }));
    events.splice(100, 0, inbound({ wamid: `wamid.m3.${h.suffix}`, phoneNumberId: pn, waId: mergeWa, userId: 'US.merge', occurredAt: at(3) }));
    // A redelivered message inside the batch is applied once.
    events.push({ ...events[0]! });
    expect(events.length).toBe(USERS * 3 + 4);

    // One key: all of it lands on one partition, produced in one request (one batch for the consumer).
    await h.producer.sendMany(events.map((e) => ({ topic: INBOUND_MESSAGE_V1.topic, key: pn, value: e })));

    const wamids = new Set(events.map((e) => e.wamid));
    await waitFor(async () => {
      const rows = await h.sql<{ n: string }>('SELECT count(*) AS n FROM processed_inbound WHERE wamid = ANY($1::text[])', [[...wamids]]);
      return Number(rows[0]!.n) === wamids.size;
    }, { what: `${wamids.size} processed messages`, timeoutMs: 30000 });
    spy.mockRestore();

    // Everything arrived in one handler call (the service applied it as one batch).
    const withOurs = batchCalls.filter((c) => c.some((w) => wamids.has(w)));
    expect(withOurs).toHaveLength(1);
    expect(withOurs[0]).toHaveLength(events.length);

    const all = await h.contacts(tenant);
    expect(all).toHaveLength(1 + USERS + 1); // warm-up + 50 users + the merged contact
    for (let u = 0; u < USERS; u++) {
      const c = all.find((x) => x.waId === waIdOf(u));
      const last = base + (2 * USERS + u) * 1000;
      expect(c).toMatchObject({
        userId: `US.b${u}`, profileName: `User ${u} r2`, windowOpenUntil: new Date(last + DAY).toISOString(),
        optedOut: u % 10 === 0,
      });
    }
    const merged = all.filter((x) => x.waId === mergeWa || x.userId === 'US.merge');
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ waId: mergeWa, userId: 'US.merge', profileName: 'Merged' });
    const mergedHistory = await h.sql<{ wamid: string }>('SELECT wamid FROM processed_inbound WHERE contact_id = $1 ORDER BY wamid', [merged[0].id]);
    expect(mergedHistory.map((r) => r.wamid)).toEqual([`wamid.m1.${h.suffix}`, `wamid.m2.${h.suffix}`, `wamid.m3.${h.suffix}`]);

    // Opt events in message order: user 5 opted out, then back in.
    const user5 = all.find((x) => x.waId === waIdOf(5));
    const opts = await h.sql<{ state: string }>('SELECT state FROM opt_events WHERE contact_id = $1 ORDER BY id', [user5.id]);
    expect(opts.map((o) => o.state)).toEqual(['opted_out', 'opted_in']);
    expect(user5.optedOut).toBe(false);

    // The dispatcher learns the final state of each contact before anything else reads it.
    const key = `${tenant}:${pn}:${waIdOf(10)}`;
    await waitFor(() => h.changedFor(key).length > 0, { what: 'ContactChangedV1 of user 10' });
    expect(h.changedFor(key).at(-1)).toMatchObject({ optedOut: true, userId: 'US.b10', windowOpenUntil: new Date(base + (2 * USERS + 10) * 1000 + DAY).toISOString() });
    await waitFor(() => h.changedFor(`${tenant}:${pn}:US.merge`).length > 0, { what: 'ContactChangedV1 under the merged BSUID key' });
    expect(h.changedFor(`${tenant}:${pn}:US.merge`).at(-1)).toMatchObject({ waId: mergeWa, userId: 'US.merge' });
  }, 60000);
});
