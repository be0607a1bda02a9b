import { INBOUND_MESSAGE_V1, InboundMessageV1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { fixtureBytes, waitFor } from '@wabridge/testing';
import { contactsHarnessForSuite, inbound, status } from './testing/contacts-harness';
import { corpusInboundEvents, inboundEventsFromWebhook } from './testing/fixture-events';

const DAY = 24 * 60 * 60 * 1000;
let seq = 0;
const uniq = (p: string): string => `${p}${Date.now().toString().slice(-7)}${++seq}`;
const numberId = (): string => `${Date.now() % 1e9}${String(++seq).padStart(4, '0')}`;

describe('contacts service against real Kafka and Postgres', () => {
  const h = contactsHarnessForSuite();

  async function contactOf(tenant: string, query: string): Promise<any> {
    return waitFor(async () => (await h.contacts(tenant, query))[0], { what: `contact ${query}` });
  }

  it('creates contacts with profile names and a 24 h window from every inbound message of the webhook corpus', async () => {
    const tenant = uniq('tenant-');
    const corpus = corpusInboundEvents(h.suffix).filter((f) => !f.file.startsWith('message-system'));
    const expected = new Map<string, { pn: string; waId?: string; userId?: string; name?: string; last: number }>();
    let i = 0;
    for (const { events } of corpus) {
      const pn = `${numberId()}${i++}`; // one number per fixture file, so expectations do not mix
      await h.announceNumber(pn, tenant);
      for (const e of events) {
        e.phoneNumberId = pn;
        e.wamid = `${e.wamid}-${pn}`; // fixture files reuse placeholder ids
        const id = e.waId ?? e.userId;
        if (!id) throw new Error(`fixture message ${e.wamid} names no sender`);
        const prev = expected.get(`${pn}:${id}`);
        const at = Date.parse(e.occurredAt);
        if (!prev || at >= prev.last) expected.set(`${pn}:${id}`, { pn, waId: e.waId, userId: e.userId, name: e.profileName ?? prev?.name, last: at });
        await h.publish(INBOUND_MESSAGE_V1, `${pn}:${id}`, e);
      }
    }
    expect(expected.size).toBeGreaterThan(30);
    const all = await waitFor(async () => {
      const list = await h.contacts(tenant);
      return list.length >= expected.size ? list : undefined;
    }, { what: `${expected.size} contacts`, timeoutMs: 40000 });
    expect(all).toHaveLength(expected.size);
    for (const want of expected.values()) {
      const got = all.find((c) => c.phoneNumberId === want.pn && (want.waId ? c.waId === want.waId : c.userId === want.userId));
      expect(got).toMatchObject({
        profileName: want.name ?? null,
        windowOpenUntil: new Date(want.last + DAY).toISOString(),
        optedOut: false,
      });
      // E.164 where the wa_id is a possible phone number (corpus placeholders like 1111111111111 are not)
      if (want.waId) expect([`+${want.waId}`, null]).toContain(got.phone);
    }
    // the dispatcher learns every window through the compacted topic
    const someone = [...expected.values()].find((w) => w.waId)!;
    await waitFor(() => h.changedFor(`${tenant}:${someone.pn}:${someone.waId}`).length > 0, { what: 'ContactChangedV1' });
    expect(h.changedFor(`${tenant}:${someone.pn}:${someone.waId}`).at(-1)).toMatchObject({
      windowOpenUntil: new Date(someone.last + DAY).toISOString(), optedOut: false, reachable: true,
    });
  });

  it('reports the window as closed 24 h after the last inbound message', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '491511234567', occurredAt: '2026-01-01T11:00:00.000Z' }));
    await contactOf(tenant, 'waId=491511234567');
    h.clock.set('2026-01-02T10:59:00.000Z');
    expect(await h.contacts(tenant, 'windowOpen=true')).toHaveLength(1);
    h.clock.set('2026-01-02T11:00:00.000Z');
    expect(await h.contacts(tenant, 'windowOpen=true')).toHaveLength(0);
    expect(await h.contacts(tenant, 'windowOpen=false')).toHaveLength(1);
    h.clock.set('2026-01-01T12:00:00.000Z');
  });

  it('keeps an inbound message for a number not announced yet and applies it when the number arrives', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    const wamid = uniq('wamid.');
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid, phoneNumberId: pn, waId: '491511234568', profileName: 'Early Bird' }));
    await waitFor(async () => (await h.sql('SELECT 1 FROM parked_events WHERE dedupe_key = $1', [wamid])).length === 1, { what: 'parked event' });
    await h.announceNumber(pn, tenant);
    const c = await contactOf(tenant, `phoneNumberId=${pn}`);
    expect(c).toMatchObject({ waId: '491511234568', profileName: 'Early Bird' });
    // removed right after it was applied
    await waitFor(async () => (await h.sql('SELECT 1 FROM parked_events WHERE dedupe_key = $1', [wamid])).length === 0, { what: 'parked row gone' });
  });

  it('applies a message delivered twice only once', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const first = inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '491511234569', occurredAt: '2026-01-01T09:00:00.000Z' });
    await h.publish(INBOUND_MESSAGE_V1, 'k', first);
    await h.publish(INBOUND_MESSAGE_V1, 'k', first);
    const marker = inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '491511234569', occurredAt: '2026-01-01T08:00:00.000Z' });
    await h.publish(INBOUND_MESSAGE_V1, 'k', marker);
    const c = await contactOf(tenant, `phoneNumberId=${pn}`);
    await waitFor(async () => (await h.http('GET', `/v1/contacts/${c.id}/export`, { tenant })).body.inboundMessages.length === 2, { what: 'both messages' });
    const exported = (await h.http('GET', `/v1/contacts/${c.id}/export`, { tenant })).body;
    expect(exported.inboundMessages.map((m: any) => m.wamid).sort()).toEqual([first.wamid, marker.wamid].sort());
    // an older message arriving late does not move the window back
    expect(exported.contact.windowOpenUntil).toBe('2026-01-02T09:00:00.000Z');
  });

  it('opts a contact out when they write STOP and publishes the opt-out for the dispatcher', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '33612345678', raw: { type: 'text', text: { body: 'Arrêt !' } } }));
    const key = `${tenant}:${pn}:33612345678`;
    await waitFor(() => h.changedFor(key).some((e) => e.optedOut), { what: 'opt-out event' });
    expect(h.changedFor(key).at(-1)).toMatchObject({ tenantId: tenant, phoneNumberId: pn, waId: '33612345678', optedOut: true, reachable: true });
    const c = await contactOf(tenant, 'optedOut=true');
    expect(c).toMatchObject({ waId: '33612345678', optedOut: true, optInState: 'opted_out', optSource: 'keyword' });
    // a sentence containing the word is not an opt-out
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '33612345679', raw: { type: 'text', text: { body: 'please do not stop' } } }));
    expect(await contactOf(tenant, 'waId=33612345679')).toMatchObject({ optedOut: false });
  });

  it('uses the keywords a tenant configured instead of the defaults', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const put = await h.http('PUT', '/v1/contacts/keywords', { tenant, body: { optOutKeywords: ['NO MORE', 'STOP'] } });
    expect(put.status).toBe(200);
    expect(put.body.optOutKeywords).toEqual(['NO MORE', 'STOP']);
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '4915112000001', raw: { type: 'text', text: { body: 'no more' } } }));
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '4915112000002', raw: { type: 'text', text: { body: 'BAJA' } } }));
    expect(await contactOf(tenant, 'waId=4915112000001')).toMatchObject({ optedOut: true });
    expect(await contactOf(tenant, 'waId=4915112000002')).toMatchObject({ optedOut: false });
    expect((await h.http('GET', '/v1/contacts/keywords', { tenant: uniq('other-') })).body.optOutKeywords).toContain('BAJA');
  });

  it('merges a BSUID-only contact into the phone contact when a later message reveals the wa_id', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const userId = `US.${uniq('')}`;
    await h.publish(INBOUND_MESSAGE_V1, 'k1', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, userId, username: '@sheena', profileName: 'Sheena', occurredAt: '2026-01-01T09:00:00.000Z' }));
    const bsuidOnly = await contactOf(tenant, `userId=${userId}`);
    expect(bsuidOnly.waId).toBeNull();
    await h.http('PATCH', `/v1/contacts/${bsuidOnly.id}`, { tenant, body: { tags: ['vip'], attributes: { plan: 'gold' } } });
    // the phone contact existed already (imported)
    const created = await h.http('POST', '/v1/contacts', { tenant, body: { phoneNumberId: pn, phone: '+4915112345670', attributes: { city: 'Berlin' } } });
    expect(created.status).toBe(201);
    await h.publish(INBOUND_MESSAGE_V1, 'k2', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, userId, waId: '4915112345670', profileName: 'Sheena N', occurredAt: '2026-01-01T10:00:00.000Z' }));
    const merged = await waitFor(async () => {
      const list = await h.contacts(tenant, `phoneNumberId=${pn}`);
      return list.length === 1 && list[0].userId === userId ? list[0] : undefined;
    }, { what: 'one merged contact' });
    expect(merged).toMatchObject({
      id: created.body.id, waId: '4915112345670', userId, username: '@sheena', profileName: 'Sheena N',
      tags: ['vip'], attributes: { plan: 'gold', city: 'Berlin' }, windowOpenUntil: '2026-01-02T10:00:00.000Z',
    });
    expect((await h.http('GET', `/v1/contacts/${bsuidOnly.id}`, { tenant })).status).toBe(404);
    // the dispatcher finds the same state under both keys
    await waitFor(() => h.changedFor(`${tenant}:${pn}:4915112345670`).length > 0 && h.changedFor(`${tenant}:${pn}:${userId}`).some((e) => e.waId === '4915112345670'), { what: 'both keys' });
  });

  it('moves a contact to the new number on a user_changed_number system message', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const [text] = inboundEventsFromWebhook(JSON.parse(fixtureBytes('message-text--pywa-1.json').toString('utf8')));
    const [system] = inboundEventsFromWebhook(JSON.parse(fixtureBytes('message-system--pywa-1.json').toString('utf8')));
    for (const e of [text!, system!] as InboundMessageV1[]) {
      e.phoneNumberId = pn;
      e.wamid = uniq('wamid.');
    }
    await h.publish(INBOUND_MESSAGE_V1, 'k', text!);
    const before = await contactOf(tenant, 'waId=972987654321');
    await h.publish(INBOUND_MESSAGE_V1, 'k', system!);
    const after = await contactOf(tenant, 'waId=972912345678');
    expect(after).toMatchObject({ id: before.id, profileName: 'Test Name', windowOpenUntil: before.windowOpenUntil });
    expect(await h.contacts(tenant, 'waId=972987654321')).toHaveLength(0);
    await waitFor(() => h.changedFor(`${tenant}:${pn}:972987654321`).some((e) => e.erased === true), { what: 'old key forgotten' });
  });

  it('marks a contact unreachable after a failed status with 131026 and reachable again after a delivery', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid: uniq('wamid.'), phoneNumberId: pn, waId: '4915112399999', occurredAt: '2026-01-01T09:00:00.000Z' }));
    await contactOf(tenant, `phoneNumberId=${pn}`);
    await h.publish(STATUS_UPDATED_V1, 'k', status({
      wamid: uniq('wamid.'), phoneNumberId: pn, status: 'failed', recipientId: '4915112399999', occurredAt: '2026-01-01T10:00:00.000Z',
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    }));
    const key = `${tenant}:${pn}:4915112399999`;
    await waitFor(() => h.changedFor(key).some((e) => e.reachable === false), { what: 'unreachable event' });
    expect((await contactOf(tenant, `phoneNumberId=${pn}`)).reachable).toBe(false);
    await h.publish(STATUS_UPDATED_V1, 'k', status({ wamid: uniq('wamid.'), phoneNumberId: pn, status: 'delivered', recipientId: '4915112399999', occurredAt: '2026-01-01T11:00:00.000Z' }));
    await waitFor(() => h.changedFor(key).at(-1)?.reachable === true, { what: 'reachable again' });
  });

  it('refuses requests without the internal token and answers 404 to another tenant', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const created = await h.http('POST', '/v1/contacts', { tenant, body: { phoneNumberId: pn, phone: '+4915112300000' } });
    const id = created.body.id;
    expect((await h.http('GET', `/v1/contacts/${id}`, { tenant, token: null })).status).toBe(401);
    expect((await h.http('GET', `/v1/contacts/${id}`, { tenant, token: 'wrong-token-wrong-token' })).status).toBe(401);
    const other = uniq('intruder-');
    for (const [method, path, body] of [
      ['GET', `/v1/contacts/${id}`], ['PATCH', `/v1/contacts/${id}`, { tags: ['x'] }], ['DELETE', `/v1/contacts/${id}`],
      ['POST', `/v1/contacts/${id}/opt-out`], ['POST', `/v1/contacts/${id}/opt-in`], ['GET', `/v1/contacts/${id}/export`],
    ] as [string, string, unknown?][]) {
      const r = await h.http(method, path, { tenant: other, body });
      expect([method, path, r.status, r.body.error.code]).toEqual([method, path, 404, 'not_found']);
    }
    expect(await h.contacts(other)).toHaveLength(0);
    // the contact is untouched
    expect((await h.http('GET', `/v1/contacts/${id}`, { tenant })).body).toMatchObject({ tags: [], optedOut: false });
    // importing into another tenant's number is refused row by row
    const imp = await h.http('POST', '/v1/contacts/import', { tenant: other, body: [{ phoneNumberId: pn, phone: '+4915112300001' }] });
    expect(imp.body).toMatchObject({ created: 0, failed: 1, errors: [{ line: 1, error: expect.stringMatching(/not a number of this tenant/) }] });
  });

  it('opts in and out through the API, with the history in the export', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const { body: c } = await h.http('POST', '/v1/contacts', { tenant, body: { phoneNumberId: pn, phone: '+4915112311111', optIn: true } });
    expect(c).toMatchObject({ optInState: 'opted_in', optSource: 'import', optedOut: false });
    const out = await h.http('POST', `/v1/contacts/${c.id}/opt-out`, { tenant, headers: { 'content-type': 'application/json' } });
    expect(out.body).toMatchObject({ optedOut: true, optInState: 'opted_out', optSource: 'api' });
    const key = `${tenant}:${pn}:4915112311111`;
    await waitFor(() => h.changedFor(key).at(-1)?.optedOut === true, { what: 'opt-out published' });
    h.clock.advance(60000);
    expect((await h.http('POST', `/v1/contacts/${c.id}/opt-in`, { tenant })).body).toMatchObject({ optedOut: false, optInState: 'opted_in' });
    await waitFor(() => h.changedFor(key).at(-1)?.optedOut === false, { what: 'opt-in published' });
    const exp = (await h.http('GET', `/v1/contacts/${c.id}/export`, { tenant })).body;
    expect(exp.optHistory.map((e: any) => [e.state, e.source])).toEqual([['opted_out', 'api'], ['opted_in', 'api']]);
    h.clock.set('2026-01-01T12:00:00.000Z');
  });

  it('erases a contact: no row of it is left and ContactErasedV1 is published; the export held everything before', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const wamid = uniq('wamid.');
    await h.publish(INBOUND_MESSAGE_V1, 'k', inbound({ wamid, phoneNumberId: pn, waId: '4915112322222', userId: 'US.erase1', profileName: 'Erin', raw: { type: 'text', text: { body: 'STOP' } } }));
    const c = await contactOf(tenant, `phoneNumberId=${pn}`);
    await h.http('PATCH', `/v1/contacts/${c.id}`, { tenant, body: { attributes: { email: 'erin@example.com' }, tags: ['lead'] } });
    const exp = (await h.http('GET', `/v1/contacts/${c.id}/export`, { tenant })).body;
    expect(exp).toMatchObject({
      contact: { id: c.id, tenantId: tenant, waId: '4915112322222', userId: 'US.erase1', profileName: 'Erin', phone: '+4915112322222',
        attributes: { email: 'erin@example.com' }, tags: ['lead'], optedOut: true },
      sendingKeys: [`${tenant}:${pn}:4915112322222`, `${tenant}:${pn}:US.erase1`],
      optHistory: [{ state: 'opted_out', source: 'keyword', wamid }],
      inboundMessages: [{ wamid, type: 'text' }],
    });

    expect((await h.http('DELETE', `/v1/contacts/${c.id}`, { tenant })).status).toBe(204);
    expect((await h.http('GET', `/v1/contacts/${c.id}`, { tenant })).status).toBe(404);
    const left = await h.sql<{ n: string }>(
      `SELECT (SELECT count(*) FROM contacts WHERE id = $1) + (SELECT count(*) FROM processed_inbound WHERE contact_id = $1 OR wamid = $2)
            + (SELECT count(*) FROM opt_events WHERE contact_id = $1) + (SELECT count(*) FROM contacts WHERE wa_id = '4915112322222' AND tenant_id = $3) AS n`,
      [c.id, wamid, tenant],
    );
    expect(Number(left[0]!.n)).toBe(0);
    await waitFor(() => h.erased.values().some((e) => e.contactId === c.id), { what: 'ContactErasedV1' });
    expect(h.erased.messages.find((m) => m.value.contactId === c.id)).toMatchObject({
      key: `${tenant}:${c.id}`, value: { tenantId: tenant, phoneNumberId: pn, waId: '4915112322222', userId: 'US.erase1' },
    });
    await waitFor(() => h.changedFor(`${tenant}:${pn}:4915112322222`).at(-1)?.erased === true, { what: 'key forgotten' });
    expect((await h.http('DELETE', `/v1/contacts/${c.id}`, { tenant })).status).toBe(404);
  });

  it('lists with filters and cursor pagination', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const rows = Array.from({ length: 7 }, (_, i) => ({ phoneNumberId: pn, phone: `+49151123456${i}0`, tags: i % 2 ? ['odd'] : ['even'], attributes: { n: String(i) } }));
    expect((await h.http('POST', '/v1/contacts/import', { tenant, body: rows })).body).toMatchObject({ created: 7, failed: 0 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await h.http('GET', `/v1/contacts?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { tenant });
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((c: any) => c.waId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(await h.contacts(tenant, 'tag=odd')).toHaveLength(3);
    expect((await h.contacts(tenant, 'attribute=n:4')).map((c) => c.waId)).toEqual(['4915112345640']);
    expect((await h.http('GET', '/v1/contacts?cursor=nonsense', { tenant })).status).toBe(400);
    expect((await h.http('GET', '/v1/contacts?optedOut=maybe', { tenant })).status).toBe(400);
  });

  it('reports bad import rows by line, imports the good ones, and changes nothing on re-import', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    await h.announceNumber(pn, tenant);
    const csv = [
      'phone,name,tags,attr.city,optIn',
      '+49 151 23456701,Anna,customer;vip,Berlin,true',
      'not-a-phone,Bob,,Paris,',
      '"+4915123456702","Carla, Jr.","customer",Rome,no',
      '+4915123456703,Dan,bad tag!,Oslo,',
      '+4915123456704,Eve,,Madrid,perhaps',
      '"+4915123456705","Multi',
      'line name",,Lima,',
      '+4915123456706,Finn,,Kyiv,,extra',
    ].join('\r\n');
    const first = await h.http('POST', `/v1/contacts/import?phoneNumberId=${pn}`, { tenant, body: csv, headers: { 'content-type': 'text/csv' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ rows: 7, created: 3, updated: 0, unchanged: 0, failed: 4 });
    expect(first.body.errors).toEqual([
      { line: 3, error: expect.stringMatching(/^phone: "not-a-phone" is not a valid phone number/) },
      { line: 5, error: expect.stringMatching(/^tags: /) },
      { line: 6, error: 'optIn: must be true or false' },
      { line: 9, error: expect.stringMatching(/has 6 fields, the header has 5/) },
    ]);
    const anna = (await h.contacts(tenant, 'waId=4915123456701'))[0];
    expect(anna).toMatchObject({ profileName: 'Anna', tags: ['customer', 'vip'], attributes: { city: 'Berlin' }, optInState: 'opted_in', phone: '+4915123456701' });
    expect((await h.contacts(tenant, 'waId=4915123456705'))[0].profileName).toBe('Multi\r\nline name');
    const snapshot = await h.sql('SELECT * FROM contacts WHERE tenant_id = $1 ORDER BY id', [tenant]);
    const again = await h.http('POST', `/v1/contacts/import?phoneNumberId=${pn}`, { tenant, body: csv, headers: { 'content-type': 'text/csv' } });
    expect(again.body).toMatchObject({ rows: 7, created: 0, updated: 0, unchanged: 3, failed: 4 });
    expect(await h.sql('SELECT * FROM contacts WHERE tenant_id = $1 ORDER BY id', [tenant])).toEqual(snapshot);

    const ndjson = `{"phone":"+4915123456701","attributes":{"tier":"2"}}\n{"phone":42}\n{broken\n`;
    const nd = await h.http('POST', `/v1/contacts/import?phoneNumberId=${pn}`, { tenant, body: ndjson, headers: { 'content-type': 'application/x-ndjson' } });
    expect(nd.body).toMatchObject({ rows: 3, created: 0, updated: 1, failed: 2, errors: [{ line: 2 }, { line: 3, error: expect.stringMatching(/^not valid JSON/) }] });
    expect((await h.contacts(tenant, 'waId=4915123456701'))[0].attributes).toEqual({ city: 'Berlin', tier: '2' });
  });

  it('rejects attributes above the size cap', async () => {
    const tenant = uniq('tenant-');
    const pn = numberId();
    const { body: c } = await h.http('POST', '/v1/contacts', { tenant, body: { phoneNumberId: pn, phone: '+4915112388888' } });
    const big = await h.http('PATCH', `/v1/contacts/${c.id}`, { tenant, body: { attributes: { blob: 'x'.repeat(20000) } } });
    expect(big.status).toBe(400);
    expect(big.body.error.message).toMatch(/attributes: \d+ bytes, at most 16384/);
    const ok = await h.http('PATCH', `/v1/contacts/${c.id}`, { tenant, body: { attributes: { a: 1, b: { c: true } } } });
    expect(ok.body.attributes).toEqual({ a: 1, b: { c: true } });
    const removed = await h.http('PATCH', `/v1/contacts/${c.id}`, { tenant, body: { attributes: { a: null } } });
    expect(removed.body.attributes).toEqual({ b: { c: true } });
  });
});
