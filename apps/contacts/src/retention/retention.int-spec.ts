import { DataSource } from 'typeorm';
import { INBOUND_MESSAGE_V1 } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { contactsHarnessForSuite, inbound } from '../testing/contacts-harness';
import { ParkedEventsRepository } from '../numbers/parked-events.repository';
import { RetentionService } from './retention.service';

const DAY = 86_400_000;
let seq = 0;
const uniq = (p: string): string => `${p}${Date.now().toString().slice(-7)}${++seq}`;
const numberId = (): string => `${Date.now() % 1e9}${String(++seq).padStart(4, '0')}`;

describe('contacts retention and erasure of parked events (real Kafka and Postgres)', () => {
  const h = contactsHarnessForSuite();

  async function contactOf(tenant: string, query: string): Promise<any> {
    return waitFor(async () => (await h.contacts(tenant, query))[0], { what: `contact ${query}` });
  }

  it('prunes processed inbound ids, parked events and consent history past their retention, keeping recent rows and each contact\'s latest consent', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const wamid = uniq('wamid.');
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid, phoneNumberId: pn, waId: '4915112377777' }));
    const c = await contactOf(tenant, `phoneNumberId=${pn}`);
    const now = h.clock.now().getTime();
    const ago = (days: number): Date => new Date(now - days * DAY);
    // 12 old and 1 recent processed ids; 6 old and 1 recent parked events; 4 old consent changes + 1 recent, and a
    // second contact whose only (old) consent change must stay.
    await h.sql(
      `INSERT INTO processed_inbound (wamid, contact_id, tenant_id, type, occurred_at, processed_at)
       SELECT $1 || g, $2, $3, 'text', $4, $4 FROM generate_series(1, 12) g`, [`old.${wamid}.`, c.id, tenant, ago(31)],
    );
    await h.sql(
      `INSERT INTO parked_events (phone_number_id, topic, dedupe_key, payload, parked_at)
       SELECT 'unknown-' || $1, 'wa.inbound.message.v1', $1 || g, '{}'::jsonb, $2 FROM generate_series(1, 6) g`, [uniq('p'), ago(31)],
    );
    const recentParked = uniq('recent-parked.');
    await h.sql(`INSERT INTO parked_events (phone_number_id, topic, dedupe_key, payload, parked_at) VALUES ('unknown-x', 't', $1, '{}', $2)`, [recentParked, ago(1)]);
    await h.sql(
      `INSERT INTO opt_events (contact_id, tenant_id, state, source, wamid, at)
       SELECT $1, $2, CASE WHEN g % 2 = 0 THEN 'opted_in' ELSE 'opted_out' END, 'api', NULL, $3::timestamptz - make_interval(days => g) FROM generate_series(1, 4) g`,
      [c.id, tenant, ago(800)],
    );
    await h.sql(`INSERT INTO opt_events (contact_id, tenant_id, state, source, wamid, at) VALUES ($1, $2, 'opted_out', 'api', NULL, $3)`, [c.id, tenant, ago(10)]);
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '4915112377778' }));
    const other = await contactOf(tenant, 'waId=4915112377778');
    await h.sql(`INSERT INTO opt_events (contact_id, tenant_id, state, source, wamid, at) VALUES ($1, $2, 'opted_out', 'api', NULL, $3)`, [other.id, tenant, ago(900)]);

    const result = await h.app.get(RetentionService).prune();

    expect(result.processedInbound).toBeGreaterThanOrEqual(12);
    expect(result.parkedEvents).toBeGreaterThanOrEqual(6);
    expect(result.optEvents).toBeGreaterThanOrEqual(4);
    const count = async (sql: string, params: unknown[]): Promise<number> => Number((await h.sql<{ n: string }>(sql, params))[0]!.n);
    expect(await count(`SELECT count(*) AS n FROM processed_inbound WHERE wamid LIKE $1`, [`old.${wamid}.%`])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM processed_inbound WHERE wamid = $1`, [wamid])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM parked_events WHERE parked_at < $1`, [ago(30)])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM parked_events WHERE dedupe_key = $1`, [recentParked])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM opt_events WHERE contact_id = $1`, [c.id])).toBe(1); // the recent one
    expect(await count(`SELECT count(*) AS n FROM opt_events WHERE contact_id = $1`, [other.id])).toBe(1); // latest, however old
    // the contacts themselves are not a log: they stay
    expect((await h.http('GET', `/v1/contacts/${c.id}`, { tenant })).status).toBe(200);
    // a second run finds nothing more
    expect(await h.app.get(RetentionService).prune()).toEqual({ processedInbound: 0, parkedEvents: 0, optEvents: 0 });
  });

  it('erasure says whether the contact had opted out; changed events carry the consent state', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '4915112388888', raw: { type: 'text', text: { body: 'STOP' } } }));
    const c = await contactOf(tenant, `phoneNumberId=${pn}`);
    expect(c.optedOut).toBe(true);
    await waitFor(() => h.changedFor(`${tenant}:${pn}:4915112388888`).at(-1)?.optInState === 'opted_out', { what: 'optInState published' });
    expect((await h.http('DELETE', `/v1/contacts/${c.id}`, { tenant })).status).toBe(204);
    const erased = await waitFor(() => h.erased.values().find((e) => e.contactId === c.id), { what: 'ContactErasedV1' });
    expect(erased).toMatchObject({ tenantId: tenant, phoneNumberId: pn, waId: '4915112388888', optedOut: true });
  });

  it('erasing a user\'s parked events deletes those that name the user anywhere in the payload and keeps other users\' ones', async () => {
    // A number no tenant registered: the parked-event sweep leaves it alone, so only the erasure can delete.
    const pn = `unknown-${uniq('pn')}`;
    const [mine, raw, theirs] = [uniq('mine.'), uniq('raw.'), uniq('theirs.')];
    await h.sql(
      `INSERT INTO parked_events (phone_number_id, topic, dedupe_key, payload, parked_at) VALUES
         ($1, 'wa.status.updated.v1', $2, '{"recipientId":"4915112388888"}', now()),
         ($1, 'wa.inbound.message.v1', $3, '{"raw":{"contacts":[{"wa_id":"4915112388888"}]}}', now()),
         ($1, 'wa.status.updated.v1', $4, '{"recipientId":"4915112399999"}', now()),
         ('other-number', 'wa.status.updated.v1', $5, '{"recipientId":"4915112388888"}', now())`,
      [pn, mine, raw, theirs, uniq('other.')],
    );
    await h.app.get(ParkedEventsRepository).eraseMentioning(h.app.get(DataSource), pn, ['4915112388888']);
    const left = await h.sql<{ dedupe_key: string }>('SELECT dedupe_key FROM parked_events WHERE phone_number_id = $1', [pn]);
    expect(left.map((r) => r.dedupe_key)).toEqual([theirs]);
    expect(await h.sql(`SELECT 1 FROM parked_events WHERE phone_number_id = 'other-number' AND payload::text LIKE '%4915112388888%'`)).toHaveLength(1);
  });
});
