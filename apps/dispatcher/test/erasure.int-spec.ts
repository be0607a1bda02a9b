import { execFileSync } from 'node:child_process';
import { CONTACT_ERASED_V1, ContactErasedV1 } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { Harness, waitForContact, waitForNumber } from '../src/testing/harness';

describe('GDPR erasure in the dispatcher (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const NUM = String(100000 + Math.floor(Math.random() * 899999));
  const ERASED = `4917${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const OTHER = `4918${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

  beforeAll(async () => {
    await graph.start();
    await h.start();
    await h.boot();
    await h.number(NUM, graph.url, { tier: '2000' }); // a tier, so portfolio_reach rows are written
    await waitForNumber(h, NUM);
  });
  afterAll(async () => {
    await h.stop();
    await graph.stop();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => h.dispatcher!.dataSource.query(text, params);
  const erasedEvent = (o: Partial<ContactErasedV1> = {}): ContactErasedV1 => Object.assign(new ContactErasedV1(), {
    tenantId: 'tenant-1', contactId: '01JERASED00000000000000000', phoneNumberId: NUM, waId: ERASED, optedOut: true,
    erasedAt: new Date().toISOString(), ...o,
  });
  const publishErased = (ev: ContactErasedV1): Promise<void> =>
    h.producer.send({ topic: CONTACT_ERASED_V1.topic, key: `${ev.tenantId}:${ev.contactId}`, value: ev });
  const dumpSchema = (): string => execFileSync('pg_dump', ['--data-only', '--schema', h.schema.schema, h.schema.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

  it('scrubs the contact\'s messages, state and reach, keeps it suppressed by hash only, and refuses a later send with a clear reason', async () => {
    const closed = { windowOpenUntil: new Date(Date.now() - 1000).toISOString() }; // templates are business-initiated: reach rows
    await h.contact(NUM, ERASED, closed);
    await h.contact(NUM, OTHER, closed);
    await waitForContact(h, NUM, ERASED);
    await waitForContact(h, NUM, OTHER);
    const first = h.template(NUM, ERASED, { message: { template: { name: 'hello_world', language: { code: 'en_US' } } }, metadata: { note: `call ${ERASED}` } });
    const other = h.template(NUM, OTHER);
    await h.send([first, other]);
    await waitFor(() => h.kinds(first.id).includes('sent') && h.kinds(other.id).includes('sent'), { what: 'both sent' });
    expect(dumpSchema()).toContain(ERASED); // the test can fail: the number is there before

    // the user opts out, then the tenant erases the contact
    await h.contact(NUM, ERASED, { optedOut: true, optInState: 'opted_out' });
    await waitForContact(h, NUM, ERASED, (r) => r.opted_out);
    await h.contact(NUM, ERASED, { erased: true, optedOut: true }); // the forget record comes first
    await publishErased(erasedEvent());
    await waitFor(async () => (await sql('SELECT 1 FROM messages WHERE id = $1 AND recipient = $2', [first.id, 'erased'])).length === 1, { what: 'message scrubbed' });
    await waitFor(async () => (await sql('SELECT 1 FROM contacts WHERE recipient = $1', [ERASED])).length === 0, { what: 'contact state gone' });

    const [row] = await sql<{ recipient: string; request: unknown; wamid: string | null; status: string }>('SELECT recipient, request, wamid, status FROM messages WHERE id = $1', [first.id]);
    expect(row).toEqual({ recipient: 'erased', request: { erased: true }, wamid: null, status: 'sent' });
    const [kept] = await sql<{ recipient: string }>('SELECT recipient FROM messages WHERE id = $1', [other.id]);
    expect(kept!.recipient).toBe(OTHER); // another user's message is untouched
    const reach = await sql<{ recipient: string }>('SELECT recipient FROM portfolio_reach ORDER BY recipient');
    expect(reach.map((r) => r.recipient).sort()).toEqual([OTHER, expect.stringMatching(/^erased:[0-9a-f]{64}$/)].sort());
    const suppressions = await sql<{ hash: string }>('SELECT hash FROM suppressions');
    expect(suppressions).toHaveLength(1);
    expect(suppressions[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = dumpSchema();
    expect(dump).not.toContain(ERASED);
    expect(dump).toContain(OTHER);

    // a later send to the number is refused, before any Graph call
    graph.calls.length = 0;
    const later = h.template(NUM, ERASED);
    await h.send([later]);
    await waitFor(() => h.kinds(later.id).includes('rejected'), { what: 'later send rejected' });
    expect(h.eventsFor(later.id).find((e) => e.event === 'rejected')!.error).toMatchObject({ class: 'compliance', message: expect.stringContaining('opted out') });
    expect(graph.calls).toHaveLength(0);

    // a replayed erasure changes nothing
    await publishErased(erasedEvent());
    const marker = h.template(NUM, OTHER);
    await h.send([marker]);
    await waitFor(() => h.kinds(marker.id).includes('sent'), { what: 'marker sent' });
    expect(await sql('SELECT hash FROM suppressions')).toEqual(suppressions);

    // an explicit opt-in (a new contact for the number) lifts it
    await h.contact(NUM, ERASED, { optedOut: false, optInState: 'opted_in', updatedAt: new Date(Date.now() + 1000).toISOString() });
    await waitForContact(h, NUM, ERASED, (r) => !r.opted_out);
    await waitFor(async () => (await sql('SELECT 1 FROM suppressions WHERE lifted_at IS NOT NULL')).length === 1, { what: 'suppression lifted' });
    const again = h.template(NUM, ERASED);
    await h.send([again]);
    await waitFor(() => h.kinds(again.id).includes('sent'), { what: 'sent after opt-in' });
  }, 60000);

  it('erasing a contact that had not opted out leaves no suppression: a later send goes out', async () => {
    const user = `4919${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await h.contact(NUM, user);
    await waitForContact(h, NUM, user);
    const before = Number((await sql<{ n: string }>('SELECT count(*) AS n FROM suppressions'))[0]!.n);
    await publishErased(erasedEvent({ waId: user, optedOut: false, contactId: '01JERASED00000000000000001' }));
    await waitFor(async () => (await sql('SELECT 1 FROM contacts WHERE recipient = $1', [user])).length === 0, { what: 'contact state gone' });
    expect(Number((await sql<{ n: string }>('SELECT count(*) AS n FROM suppressions'))[0]!.n)).toBe(before);
    const later = h.template(NUM, user);
    await h.send([later]);
    await waitFor(() => h.kinds(later.id).includes('sent'), { what: 'sent' });
  }, 60000);
});
