import {
  inboundMediaIdOf, ACCOUNT_EVENT_V1, CONTACT_CHANGED_V1, INBOUND_MESSAGE_V1, OUTBOUND_EVENTS_V1, PUBLIC_EVENT_TYPES, PUBLIC_EVENTS, STATUS_UPDATED_V1, validateContract,
} from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { account, contactChanged, inbound, NotifierHarness, num, outbound, status } from './testing/notifier-harness';
import { NotifierEnv } from './notifier.env';
import { Receiver } from './testing/receiver';

/** The notifier in-process on real Kafka and Postgres; receivers are real HTTP servers in this process. */
describe('notifier (real Kafka, Postgres, HTTP receivers)', () => {
  let h: NotifierHarness;
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const r = await new Receiver().start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    h = await NotifierHarness.start();
  }, 90000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await h?.stop();
  });

  it('delivers every source type as a typed, signed public event, once per event id even when Kafka redelivers the source', async () => {
    const tenant = `t-${num()}`;
    const pn = num();
    const waba = `waba-${pn}`;
    await h.announce(pn, tenant, waba);
    const r = await receiver();
    const ep = await h.endpoint(tenant, { url: r.url, description: 'all events' });
    r.secrets = [ep.secret];
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const wamid = `wamid.in-${num()}`;
    const inboundEvent = inbound(pn, '4915112345678', wamid, {
      type: 'image', contextWamid: 'wamid.prev',
      raw: { from: '4915112345678', id: wamid, type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' }, context: { id: 'wamid.prev' } },
    });
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:4915112345678`, inboundEvent);
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:4915112345678`, inboundEvent); // redelivery
    await h.publish(STATUS_UPDATED_V1, `${pn}:4915112345678`, status(pn, '4915112345678', 'wamid.out-1', 'failed', {
      bizOpaqueCallbackData: '01JMSG0000000000000000000A', errors: [{ code: 131026, title: 'Message undeliverable' }],
      pricing: { billable: false, pricing_model: 'PMP', type: 'regular', category: 'utility' },
    }));
    const msgId = '01JMSG0000000000000000000B';
    for (const e of ['accepted', 'sent', 'retry-scheduled', 'dead-lettered'] as const) {
      await h.publish(OUTBOUND_EVENTS_V1, `${pn}:4915112345678`, outbound(tenant, pn, msgId, e, e === 'retry-scheduled' ? { attempt: 1, notBefore: new Date().toISOString() } : {}));
    }
    await h.publish(OUTBOUND_EVENTS_V1, `${pn}:4915112345679`, outbound(tenant, pn, '01JMSG0000000000000000000C', 'rejected', {
      recipient: '4915112345679', error: { class: 'compliance', message: 'recipient opted out' },
    }));
    // Graph refused the call (no wamid, no status from Meta): message.failed (ADR 0221) ...
    await h.publish(OUTBOUND_EVENTS_V1, `${pn}:4915112345680`, outbound(tenant, pn, '01JMSG0000000000000000000D', 'failed', {
      recipient: '4915112345680', attempt: 1, error: { class: 'template', code: 132001, message: '(#132001) Template name does not exist in the translation' },
    }));
    // ... a failure Meta reported (with a wamid) is message.status's, not told twice
    await h.publish(OUTBOUND_EVENTS_V1, `${pn}:4915112345678`, outbound(tenant, pn, '01JMSG0000000000000000000A', 'failed', {
      wamid: 'wamid.out-1', error: { class: 'permanent', code: 131026, message: 'Message undeliverable' },
    }));
    await h.publish(ACCOUNT_EVENT_V1, waba, account(waba, 'template-status', { phoneNumberId: pn, templateName: 'order_update', templateLanguage: 'en', event: 'APPROVED' }));
    // a WABA-level event (no number): attributed through the WABA of the announced number
    await h.publish(ACCOUNT_EVENT_V1, waba, account(waba, 'phone-quality', { event: 'UPGRADE', value: { display_phone_number: '15550000000', event: 'UPGRADE', current_limit: 'TIER_10K' } }));
    await h.publish(ACCOUNT_EVENT_V1, waba, account(waba, 'account-alert', { phoneNumberId: pn, value: { alert_type: 'OBA_APPROVED' } }));
    await h.publish(CONTACT_CHANGED_V1, `${tenant}:${pn}:4915112345678`, contactChanged(tenant, pn, '4915112345678'));

    await waitFor(() => new Set(r.accepted().map((x) => x.body.type)).size === PUBLIC_EVENT_TYPES.length, {
      timeoutMs: 30000, what: `every public type (got ${[...new Set(r.accepted().map((x) => x.body.type))].join(', ')})`,
    });
    // let a duplicate (if any) arrive: every delivery of the endpoint is finished
    await waitFor(async () => (await h.deliveries(tenant, ep.id)).every((d) => d.status === 'delivered'), { what: 'all delivered' });

    const got = r.accepted();
    expect(got.map((x) => x.body.type).sort()).toEqual([...PUBLIC_EVENT_TYPES].sort());
    expect(new Set(got.map((x) => x.id)).size).toBe(got.length);
    expect(await h.deliveries(tenant, ep.id)).toHaveLength(PUBLIC_EVENT_TYPES.length);
    for (const x of got) {
      expect(x.validFor).toEqual([ep.secret]);
      expect(Math.abs(x.timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(validateContract(PUBLIC_EVENTS[x.body.type as keyof typeof PUBLIC_EVENTS].cls, x.body)).toEqual({ ok: true, value: expect.anything() });
      expect(x.body.data.tenantId).toBe(tenant);
    }
    const byType = Object.fromEntries(got.map((x) => [x.body.type, x.body.data]));
    expect(byType['message.received']).toEqual({
      tenantId: tenant, phoneNumberId: pn, wabaId: waba, wamid,
      from: { waId: '4915112345678', profileName: 'Ada' },
      // mediaId: where the media service stores this object (GET /v1/media/:id), derived, not looked up
      message: { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg', mediaId: inboundMediaIdOf(inboundEvent, tenant) }, context: { id: 'wamid.prev' } },
    });
    expect(byType['message.received']?.message.image.mediaId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(byType['message.status']).toMatchObject({
      wamid: 'wamid.out-1', messageId: '01JMSG0000000000000000000A', status: 'failed', recipient: { waId: '4915112345678' },
      errors: [{ code: 131026, title: 'Message undeliverable' }], pricing: { pricing_model: 'PMP', category: 'utility' },
    });
    expect(byType['message.accepted']).toMatchObject({ messageId: msgId, phoneNumberId: pn, recipient: '4915112345678' });
    expect(byType['message.retry_scheduled']).toMatchObject({ messageId: msgId, attempt: 1 });
    expect(byType['message.rejected']).toMatchObject({ error: { class: 'compliance', message: 'recipient opted out' } });
    expect(byType['message.failed']).toMatchObject({ messageId: '01JMSG0000000000000000000D', recipient: '4915112345680', attempt: 1, error: { class: 'template', code: 132001 } });
    expect(byType['template.status']).toMatchObject({ templateName: 'order_update', event: 'APPROVED', wabaId: waba });
    expect(byType['number.changed']).toMatchObject({ kind: 'phone-quality', event: 'UPGRADE', messagingLimit: 'TIER_10K' });
    expect(byType['contact.changed']).toMatchObject({ waId: '4915112345678', optedOut: true });
    // the dispatcher's own `sent` is not re-emitted (message.status carries Meta's statuses)
    expect(got.filter((x) => x.body.type === 'message.status')).toHaveLength(1);
  }, 60000);

  it("keeps tenants apart: A's endpoint never receives B's events, and B cannot see or change A's endpoint (404)", async () => {
    const [a, b] = [`ta-${num()}`, `tb-${num()}`];
    const [pnA, pnB] = [num(), num()];
    await h.announce(pnA, a);
    await h.announce(pnB, b);
    const [ra, rb] = [await receiver(), await receiver()];
    const epA = await h.endpoint(a, { url: ra.url });
    await h.endpoint(b, { url: rb.url });
    for (let i = 0; i < 5; i++) {
      await h.publish(INBOUND_MESSAGE_V1, `${pnA}:491510000000${i}`, inbound(pnA, `491510000000${i}`, `wamid.a-${pnA}-${i}`));
      await h.publish(INBOUND_MESSAGE_V1, `${pnB}:491510000000${i}`, inbound(pnB, `491510000000${i}`, `wamid.b-${pnB}-${i}`));
    }
    // a stamped tenant wins over the number map (ingress stamps it; the header is honoured too)
    await h.publish(STATUS_UPDATED_V1, `${pnA}:4915100000000`, status(pnA, '4915100000000', `wamid.h-${pnA}`, 'read'), { 'tenant-id': a });
    await waitFor(() => ra.accepted().length === 6 && rb.accepted().length === 5, { what: 'both tenants served' });
    expect(ra.accepted().every((x) => x.body.data.tenantId === a && x.body.data.phoneNumberId === pnA)).toBe(true);
    expect(rb.accepted().every((x) => x.body.data.tenantId === b && x.body.data.phoneNumberId === pnB)).toBe(true);

    expect((await h.http('GET', `/v1/webhook-endpoints/${epA.id}`, { tenant: b })).status).toBe(404);
    expect((await h.http('PATCH', `/v1/webhook-endpoints/${epA.id}`, { tenant: b, body: { enabled: false } })).status).toBe(404);
    expect((await h.http('DELETE', `/v1/webhook-endpoints/${epA.id}`, { tenant: b })).status).toBe(404);
    expect((await h.http('GET', `/v1/webhook-endpoints/${epA.id}/deliveries`, { tenant: b })).status).toBe(404);
    expect((await h.http('POST', `/v1/webhook-endpoints/${epA.id}/replay?since=2020-01-01T00:00:00Z`, { tenant: b })).status).toBe(404);
    const listB = await h.http('GET', '/v1/webhook-endpoints', { tenant: b });
    expect(listB.body.data.map((e: { id: string }) => e.id)).not.toContain(epA.id);
    expect((await h.http('GET', `/v1/webhook-endpoints/${epA.id}`, { tenant: a })).body).toMatchObject({ id: epA.id, url: ra.url, enabled: true });
    expect((await h.http('GET', '/v1/webhook-endpoints', { tenant: a, token: 'wrong-token-0123456789' })).status).toBe(401);
  }, 60000);

  it('filters by event type and number', async () => {
    const t = `tf-${num()}`;
    const [pn1, pn2] = [num(), num()];
    await h.announce(pn1, t);
    await h.announce(pn2, t);
    const r = await receiver();
    await h.endpoint(t, { url: r.url, events: ['message.status'], phoneNumberIds: [pn2] });
    await h.publish(INBOUND_MESSAGE_V1, `${pn2}:1`, inbound(pn2, '491511', `wamid.f-${pn2}`));
    await h.publish(STATUS_UPDATED_V1, `${pn1}:1`, status(pn1, '491511', `wamid.f1-${pn1}`, 'sent'));
    await h.publish(STATUS_UPDATED_V1, `${pn2}:1`, status(pn2, '491511', `wamid.f2-${pn2}`, 'sent'));
    await waitFor(() => r.accepted().length >= 1, { what: 'the matching status' });
    const all = await waitFor(async () => {
      const n = await h.sql<{ n: string }>(`SELECT count(*)::text AS n FROM events WHERE tenant_id = $1`, [t]);
      return n[0]!.n === '3' ? true : undefined;
    }, { what: 'three events stored' });
    expect(all).toBe(true);
    expect(r.accepted().map((x) => [x.body.type, x.body.data.wamid])).toEqual([['message.status', `wamid.f2-${pn2}`]]);
  }, 60000);

  it('goes to the fallback URL when the primary stays down, is dead when both are, and a replay delivers it', async () => {
    const t = `tfb-${num()}`;
    const pn = num();
    await h.announce(pn, t);
    const [primary, fallback] = [await receiver(), await receiver()];
    primary.status = 500;
    const ep = await h.endpoint(t, { url: primary.url, fallbackUrl: fallback.url });
    fallback.secrets = [ep.secret];
    const since = new Date(Date.now() - 60000).toISOString();
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:1`, inbound(pn, '491511', `wamid.fb1-${pn}`));
    await waitFor(() => fallback.accepted().length === 1, { what: 'the fallback receives' }).catch(async (err) => {
      console.log(JSON.stringify(await h.deliveries(t, ep.id)), primary.received.length, fallback.received.length);
      throw err;
    });
    expect(primary.received).toHaveLength(3); // the schedule 0,100,200 ms at the primary
    expect(fallback.accepted()[0]!.validFor).toEqual([ep.secret]);
    // The outcome is recorded after the receiver's 200 reaches the notifier (asynchronously
    // committed, ADR 0098): read the log once it is there, not the moment the receiver answers.
    const first = await waitFor(async () => {
      const [d] = await h.deliveries(t, ep.id);
      return d?.status === 'pending' ? undefined : d;
    }, { what: 'the fallback attempt recorded' });
    expect(first).toMatchObject({ status: 'delivered', target: 'fallback', attempt: 4, statusCode: 200 });

    fallback.status = 503;
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:1`, inbound(pn, '491511', `wamid.fb2-${pn}`));
    const dead = await waitFor(async () => (await h.deliveries(t, ep.id)).find((d) => d.status === 'dead'), { what: 'dead' });
    expect(dead).toMatchObject({ attempt: 6, target: 'fallback', statusCode: 503, error: expect.stringContaining('HTTP 503') });
    expect(fallback.received.filter((x) => x.body.data.wamid === `wamid.fb2-${pn}`)).toHaveLength(3);

    primary.status = 200;
    primary.secrets = [ep.secret];
    const replay = await h.http('POST', `/v1/webhook-endpoints/${ep.id}/replay?since=${encodeURIComponent(since)}&types=message.received`, { tenant: t });
    expect(replay).toMatchObject({ status: 202, body: { queued: 2 } });
    await waitFor(() => primary.accepted().length === 2, { what: 'replayed to the primary' });
    expect(primary.accepted().map((x) => x.body.data.wamid)).toEqual([`wamid.fb1-${pn}`, `wamid.fb2-${pn}`]);
    expect(primary.accepted().every((x) => x.validFor.length === 1)).toBe(true);
  }, 60000);

  it('signs with both secrets during a rotation overlap', async () => {
    const t = `tr-${num()}`;
    const pn = num();
    await h.announce(pn, t);
    const r = await receiver();
    const ep = await h.endpoint(t, { url: r.url });
    const rotated = await h.http('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { tenant: t });
    expect(rotated).toMatchObject({ status: 200, body: { id: ep.id, secret: expect.stringMatching(/^whsec_/) } });
    expect(rotated.body.secret).not.toBe(ep.secret);
    r.secrets = [ep.secret, rotated.body.secret];
    await h.publish(INBOUND_MESSAGE_V1, `${pn}:1`, inbound(pn, '491511', `wamid.rot-${pn}`));
    await waitFor(() => r.accepted().length === 1, { what: 'delivery' });
    expect(r.accepted()[0]!.signature.split(' ')).toHaveLength(2);
    expect(r.accepted()[0]!.validFor.sort()).toEqual([ep.secret, rotated.body.secret].sort());
    // neither the stored row nor any answer after creation shows a secret
    expect(JSON.stringify((await h.http('GET', `/v1/webhook-endpoints/${ep.id}`, { tenant: t })).body)).not.toContain('whsec_');
    const [row] = await h.sql<{ secret: unknown }>(`SELECT secret FROM endpoints WHERE id = $1`, [ep.id]);
    expect(JSON.stringify(row)).not.toContain(ep.secret.slice(6));
  }, 60000);

  it('test send: one signed account.alert now, answered with the outcome and listed in the log', async () => {
    const t = `tt-${num()}`;
    const r = await receiver();
    const ep = await h.endpoint(t, { url: r.url });
    r.secrets = [ep.secret];
    const res = await h.http('POST', `/v1/webhook-endpoints/${ep.id}/test`, { tenant: t });
    expect(res).toMatchObject({ status: 200, body: { delivered: true, statusCode: 200 } });
    expect(r.accepted()[0]).toMatchObject({ validFor: [ep.secret], body: { type: 'account.alert', data: { kind: 'webhook-test', endpointId: ep.id } } });
    expect(await h.deliveries(t, ep.id)).toEqual([expect.objectContaining({ origin: 'test', status: 'delivered', attempt: 1, statusCode: 200 })]);
  }, 30000);

  it('does not let an endpoint that never answers delay another tenant (per-endpoint limit, fair claims)', async () => {
    const [slowT, fastT] = [`ts-${num()}`, `tq-${num()}`];
    const [pnS, pnF] = [num(), num()];
    await h.announce(pnS, slowT);
    await h.announce(pnF, fastT);
    const [hang, fast] = [await receiver(), await receiver()];
    hang.status = 'hang';
    await h.endpoint(slowT, { url: hang.url });
    await h.endpoint(fastT, { url: fast.url });
    // three times its slots in conversations of the hanging tenant: enough to fill every slot if it were allowed to
    const limit = h.app.get(NotifierEnv).NOTIFIER_ENDPOINT_CONCURRENCY; // as the running notifier has it
    for (let i = 0; i < 3 * limit; i++) await h.publish(INBOUND_MESSAGE_V1, `${pnS}:${i}`, inbound(pnS, `4915000${i}`, `wamid.s-${pnS}-${i}`));
    await waitFor(() => hang.received.length >= limit, { what: 'the hanging endpoint holds its slots' });
    const sent: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const wamid = `wamid.q-${pnF}-${i}`;
      sent[wamid] = Date.now();
      await h.publish(INBOUND_MESSAGE_V1, `${pnF}:${i}`, inbound(pnF, `4916000${i}`, wamid));
    }
    await waitFor(() => fast.accepted().length === 20, { timeoutMs: 10000, what: 'the other tenant served' });
    const latencies = fast.accepted().map((x) => x.at - sent[x.body.data.wamid as string]!).sort((a, b) => a - b);
    const p99 = latencies[latencies.length - 1]!;
    console.log(`other tenant while one endpoint hangs: p50 ${latencies[10]} ms, max ${p99} ms (request timeout 2000 ms); hanging endpoint got ${hang.received.length} requests`);
    expect(p99).toBeLessThan(1500);
    expect(hang.received.length).toBe(limit); // NOTIFIER_ENDPOINT_CONCURRENCY, and no more
  }, 60000);
  it('measures throughput: 1,000 events over 100 conversations to one local receiver, each once', async () => {
    const t = `tb-${num()}`;
    const pn = num();
    await h.announce(pn, t);
    const r = await receiver();
    await h.endpoint(t, { url: r.url });
    const total = 1000;
    const sentAt = new Map<string, number>();
    const started = Date.now();
    await Promise.all(Array.from({ length: total }, (_, i) => {
      const wamid = `wamid.tp-${pn}-${i}`;
      sentAt.set(wamid, Date.now());
      return h.publish(INBOUND_MESSAGE_V1, `${pn}:${i % 100}`, inbound(pn, `4917${i % 100}`, wamid));
    }));
    await waitFor(() => r.accepted().length >= total, { timeoutMs: 60000, what: `${total} deliveries` });
    const seconds = (Math.max(...r.accepted().map((x) => x.at)) - started) / 1000;
    const lat = r.accepted().map((x) => x.at - sentAt.get(x.body.data.wamid as string)!).sort((a, b) => a - b);
    console.log(`throughput: ${total} deliveries in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)}/s; produce→receiver p50 ${lat[total / 2]} ms, p99 ${lat[Math.floor(total * 0.99)]} ms (one endpoint, concurrency ${h.app.get(NotifierEnv).NOTIFIER_ENDPOINT_CONCURRENCY}, same machine)`);
    expect(new Set(r.accepted().map((x) => x.id)).size).toBe(total);
    expect(r.accepted()).toHaveLength(total);
  }, 90000);
});

describe('notifier SSRF guard on endpoint URLs (no allow-list)', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await NotifierHarness.start({ NOTIFIER_ALLOWED_TARGETS: '' });
  }, 90000);
  afterAll(() => h?.stop());

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://10.0.0.1/hook', '10.0.0.1'],
    ['http://localhost:8080/hook', 'localhost'],
    ['http://[::ffff:127.0.0.1]/hook', '127.0.0.1'],
    ['http://2130706433/hook', '127.0.0.1'],
  ])('refuses %s with 400 and says why', async (url) => {
    const res = await h.http('POST', '/v1/webhook-endpoints', { tenant: 't1', body: { url } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^url (resolves to .*(loopback|private|link-local)|host localhost)/);
    expect((await h.sql('SELECT 1 FROM endpoints WHERE tenant_id = $1', ['t1'])).length).toBe(0);
  });

  it('refuses a private fallback URL and a PATCH to a private URL', async () => {
    // a public address literal (the test machine may have no DNS)
    const bad = await h.http('POST', '/v1/webhook-endpoints', { tenant: 't1', body: { url: 'https://93.184.215.14/hook', fallbackUrl: 'http://192.168.1.10/' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('fallbackUrl resolves to 192.168.1.10');
    const ok = await h.http('POST', '/v1/webhook-endpoints', { tenant: 't1', body: { url: 'https://93.184.215.14/hook' } });
    expect(ok.status).toBe(201);
    const patched = await h.http('PATCH', `/v1/webhook-endpoints/${ok.body.id}`, { tenant: 't1', body: { url: 'http://[fe80::1]/hook' } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toContain('url resolves to fe80::1');
    expect((await h.http('GET', `/v1/webhook-endpoints/${ok.body.id}`, { tenant: 't1' })).body.url).toBe('https://93.184.215.14/hook');
  });
});
