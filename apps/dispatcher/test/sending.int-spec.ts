import { HEADER, STATUS_UPDATED_V1, StatusUpdatedV1, topicName } from '@wabridge/contracts';
import { waitFor } from '@wabridge/testing';
import { GraphStub } from '../src/testing/graph-stub';
import { MessageRepository } from '../src/messages/message.repository';
import { DISPATCHER, DispatcherParts } from '../src/consumers/state.consumer';
import { Harness, waitForContact, waitForNumber } from '../src/testing/harness';

describe('dispatcher sending (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const NUM = String(100000 + Math.floor(Math.random() * 899999));

  beforeAll(async () => {
    await graph.start();
    await h.start();
    await h.boot({ PAIR_REFILL_MS: '6000', WINDOW_GRACE_MS: '1000' });
    await h.number(NUM, graph.url, { token: 'secret-token' });
    await waitForNumber(h, NUM);
  });
  afterAll(async () => {
    await h.stop();
    await graph.stop();
  });
  beforeEach(() => {
    graph.calls.length = 0;
    graph.behaviour = () => undefined;
  });

  it('sends a text inside the window with our id as biz_opaque_callback_data and the decrypted token', async () => {
    await h.contact(NUM, '4915100000001');
    await waitForContact(h, NUM, '4915100000001');
    const req = h.request(NUM, '4915100000001');
    await h.send([req]);
    await waitFor(() => h.kinds(req.id).includes('sent'), { what: 'sent event' });
    expect(graph.calls).toHaveLength(1);
    expect(graph.calls[0]!.authorization).toBe('Bearer secret-token');
    expect(graph.calls[0]!.body).toMatchObject({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: '4915100000001', type: 'text',
      text: { body: 'hello' }, biz_opaque_callback_data: req.id,
    });
    expect(h.kinds(req.id)).toEqual(['accepted', 'sent']);
    expect(h.eventsFor(req.id)[1]!.wamid).toMatch(/^wamid\./);
  });

  it('rejects a text outside the window before any Graph call, sends a template, and sends nothing to an opted-out contact', async () => {
    await h.contact(NUM, '4915100000002', { windowOpenUntil: new Date(Date.now() - 1000).toISOString() });
    await h.contact(NUM, '4915100000003', { optedOut: true });
    await waitForContact(h, NUM, '4915100000002');
    await waitForContact(h, NUM, '4915100000003', (r) => r.opted_out);
    const text = h.request(NUM, '4915100000002');
    const template = h.template(NUM, '4915100000002');
    const optedOut = h.template(NUM, '4915100000003');
    await h.send([text, template, optedOut]);
    await waitFor(() => h.kinds(template.id).includes('sent') && h.kinds(text.id).includes('rejected') && h.kinds(optedOut.id).includes('rejected'), { what: 'outcomes' });
    expect(graph.calls.map((c) => c.body['biz_opaque_callback_data'])).toEqual([template.id]);
    expect(h.eventsFor(text.id).find((e) => e.event === 'rejected')!.error).toMatchObject({ class: 'compliance', message: expect.stringContaining('outside-window') });
    expect(h.eventsFor(optedOut.id).find((e) => e.event === 'rejected')!.error!.message).toContain('opted-out');
  });

  it('applies a burst of status webhooks for many messages: each message\'s statuses in order, each transition told once', async () => {
    const to = (i: number) => String(4915200000000 + i);
    const reqs = Array.from({ length: 30 }, (_, i) => h.template(NUM, to(i)));
    await h.send(reqs);
    await waitFor(() => reqs.every((r) => h.kinds(r.id).includes('sent')), { what: 'all sent', timeoutMs: 30000 });
    const wamidOf = (id: string) => h.eventsFor(id).find((e) => e.event === 'sent')!.wamid!;
    // One produce request, so the status consumer gets them in one or few batches, in this order:
    // per message sent (a duplicate), delivered, read, delivered again (late); the last message's
    // statuses carry no id of ours (found by wamid).
    const raw = h.kafka.producer();
    await raw.connect();
    const statuses = reqs.flatMap((r, i) => (['sent', 'delivered', 'read', 'delivered'] as const).map((status) => Object.assign(new StatusUpdatedV1(), {
      wamid: wamidOf(r.id), status, phoneNumberId: NUM, recipientId: to(i), wabaId: 'waba', appId: 'app-1',
      occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(), raw: {},
      ...(i === reqs.length - 1 ? {} : { bizOpaqueCallbackData: r.id }),
    })));
    await raw.send({ topic: topicName(STATUS_UPDATED_V1.topic, h.suffix), messages: statuses.map((v) => ({ key: `${NUM}:x`, value: JSON.stringify(v) })) });
    await raw.disconnect();
    await waitFor(() => reqs.every((r) => h.kinds(r.id).includes('read')), { what: 'all read', timeoutMs: 30000 });
    await new Promise((r) => setTimeout(r, 500));
    for (const r of reqs) expect(h.kinds(r.id)).toEqual(['accepted', 'sent', 'delivered', 'read']);
  });

  it('sends a request delivered twice (and a second request with the same idempotency key) only once', async () => {
    await h.contact(NUM, '4915100000004');
    await waitForContact(h, NUM, '4915100000004');
    const req = h.request(NUM, '4915100000004', { idempotencyKey: `k-${Date.now()}` });
    const sameKey = h.request(NUM, '4915100000004', { idempotencyKey: req.idempotencyKey });
    await h.send([req]);
    await waitFor(() => h.kinds(req.id).includes('sent'), { what: 'sent' });
    await h.send([req, sameKey]);
    await h.events.settle(1500);
    expect(graph.calls).toHaveLength(1);
    expect(h.kinds(req.id)).toEqual(['accepted', 'sent']);
    expect(h.kinds(sameKey.id)).toEqual([]);
  });

  it('moves the status forward only: out-of-order and duplicate statuses end in the right state', async () => {
    await h.contact(NUM, '4915100000005');
    await waitForContact(h, NUM, '4915100000005');
    const req = h.request(NUM, '4915100000005');
    await h.send([req]);
    await waitFor(() => h.eventsFor(req.id).find((e) => e.event === 'sent'), { what: 'sent' });
    const wamid = h.eventsFor(req.id).find((e) => e.event === 'sent')!.wamid!;
    for (const status of ['read', 'delivered', 'sent', 'read', 'delivered'] as const) {
      await h.status({ wamid, status, phoneNumberId: NUM, recipientId: '4915100000005', bizOpaqueCallbackData: req.id });
    }
    await waitFor(() => h.kinds(req.id).includes('read'), { what: 'read' });
    await h.events.settle(1000);
    expect(h.kinds(req.id)).toEqual(['accepted', 'sent', 'read']);
    const rows = (await h.dispatcher!.dataSource.query('SELECT status FROM messages WHERE id = $1', [req.id])) as { status: string }[];
    expect(rows[0]!.status).toBe('read');
  });

  it('applies a status named by our id only for its own number, by wamid when Meta sends no callback data, and tells it under the message\'s tenant, number and recipient', async () => {
    const to = '4915100000007';
    await h.contact(NUM, to);
    await waitForContact(h, NUM, to);
    const req = h.request(NUM, to);
    await h.send([req]);
    await waitFor(() => h.eventsFor(req.id).find((e) => e.event === 'sent'), { what: 'sent' });
    const wamid = h.eventsFor(req.id).find((e) => e.event === 'sent')!.wamid!;
    // Our id but another number: not this number's message to change.
    await h.status({ wamid, status: 'delivered', phoneNumberId: String(Number(NUM) + 7), recipientId: to, bizOpaqueCallbackData: req.id });
    await h.events.settle(1000);
    expect(h.kinds(req.id)).toEqual(['accepted', 'sent']);
    // No callback data (e.g. a status of a send made before it was set): found by wamid.
    await h.status({ wamid, status: 'delivered', phoneNumberId: NUM, recipientId: to });
    await waitFor(() => h.kinds(req.id).includes('delivered'), { what: 'delivered by wamid' });
    await h.status({ wamid, status: 'read', phoneNumberId: NUM, recipientId: to, bizOpaqueCallbackData: req.id });
    await waitFor(() => h.kinds(req.id).includes('read'), { what: 'read by our id' });
    await h.events.settle(500);
    expect(h.kinds(req.id)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    for (const status of ['delivered', 'read'] as const) {
      const m = h.events.messages.find((e) => e.value.id === req.id && e.value.event === status)!;
      expect(m.key).toBe(`${NUM}:${to}`);
      expect(m.headers[HEADER.tenantId]).toBe(req.tenantId);
      expect(m.value).toMatchObject({ id: req.id, tenantId: req.tenantId, phoneNumberId: NUM, recipient: to, wamid });
    }
    const rows = (await h.dispatcher!.dataSource.query('SELECT status, wamid, version FROM messages WHERE id = $1', [req.id])) as { status: string; wamid: string }[];
    expect(rows[0]).toMatchObject({ status: 'read', wamid });
  });

  it('applies statuses arriving at the same time in one statement, a message\'s second status after its first, and says when our id is unknown', async () => {
    const to = '4915100000008';
    await h.contact(NUM, to);
    await waitForContact(h, NUM, to);
    const reqs = [h.request(NUM, to), h.request(NUM, to)];
    await h.send(reqs);
    await waitFor(() => reqs.every((r) => h.kinds(r.id).includes('sent')), { what: 'both sent' });
    const repo = h.dispatcher!.app.get<DispatcherParts & { repo: MessageRepository }>(DISPATCHER).repo;
    const [a, b] = reqs.map((r) => ({ id: r.id, wamid: h.eventsFor(r.id).find((e) => e.event === 'sent')!.wamid! }));
    const results = await Promise.all([
      repo.applyForwardStatus(a!.id, NUM, 'delivered', a!.wamid),
      repo.applyForwardStatus(a!.id, NUM, 'read', a!.wamid),
      repo.applyForwardStatus(a!.id, NUM, 'delivered', a!.wamid),
      repo.applyForwardStatus(b!.id, NUM, 'read', b!.wamid),
      repo.applyForwardStatus(b!.id, String(Number(NUM) + 9), 'read', b!.wamid),
      repo.applyForwardStatus(`unknown-${Date.now()}`, NUM, 'read', 'wamid.x'),
    ]);
    expect(results.map((r) => r && { from: r.fromStatus, applied: r.applied })).toEqual([
      { from: 'sent', applied: true },
      { from: 'delivered', applied: true },
      { from: 'read', applied: false },
      { from: 'sent', applied: true },
      { from: 'read', applied: false },
      undefined,
    ]);
    expect(results[1]).toMatchObject({ tenantId: reqs[0]!.tenantId, recipient: to, phoneNumberId: NUM });
    const rows = (await h.dispatcher!.dataSource.query('SELECT id, status, version FROM messages WHERE id = ANY($1) ORDER BY id', [reqs.map((r) => r.id)])) as { id: string; status: string; version: number }[];
    expect(rows.map((r) => r.status)).toEqual(['read', 'read']);
  });

  it('fails a message with Meta\'s class and code on a permanent error, without retrying', async () => {
    await h.contact(NUM, '4915100000006');
    await waitForContact(h, NUM, '4915100000006');
    graph.behaviour = () => ({ status: 400, body: { error: { code: 131026, message: 'Message undeliverable' } } });
    const req = h.request(NUM, '4915100000006');
    await h.send([req]);
    await waitFor(() => h.kinds(req.id).includes('failed'), { what: 'failed' });
    expect(h.eventsFor(req.id).find((e) => e.event === 'failed')!.error).toEqual({ class: 'permanent', code: 131026, message: 'Message undeliverable' });
    expect(graph.calls).toHaveLength(1);
  });
  it('counts the messaging limit per business portfolio across its numbers, lets reached users through, and frees units after 24 h', async () => {
    const biz = `biz-shared-${NUM}`;
    const [a, b] = [String(Number(NUM) + 1), String(Number(NUM) + 2)];
    for (const n of [a, b]) {
      await h.number(n, graph.url, { businessId: biz, tier: '250', mps: 200 });
      await waitForNumber(h, n);
    }
    // No contact state: templates to these users are business-initiated (outside any window).
    const toA = Array.from({ length: 150 }, (_, i) => h.template(a, String(4916000000000 + i)));
    const toB = Array.from({ length: 150 }, (_, i) => h.template(b, String(4916000100000 + i)));
    const all = [...toA, ...toB];
    await h.send(all);
    const decided = (r: { id: string }): boolean => h.kinds(r.id).includes('sent') || h.kinds(r.id).includes('retry-scheduled');
    await waitFor(() => all.every(decided), { timeoutMs: 60000, what: 'all 300 sent or scheduled' });
    const sent = all.filter((r) => h.kinds(r.id).includes('sent'));
    const waiting = all.filter((r) => h.kinds(r.id).includes('retry-scheduled'));
    expect(sent).toHaveLength(250);
    expect(waiting).toHaveLength(50);
    expect(graph.calls.filter((c) => c.phoneNumberId === a || c.phoneNumberId === b)).toHaveLength(250);
    for (const r of waiting) {
      const ev = h.eventsFor(r.id).find((e) => e.event === 'retry-scheduled')!;
      expect(Date.parse(ev.notBefore!) - Date.now()).toBeGreaterThan(10 * 60_000);
    }
    // A user the portfolio reached in the last 24 h takes no new unit, from either number.
    const again = sent.filter((r) => r.phoneNumberId === a).slice(0, 5).map((r) => h.template(b, r.to!));
    await h.send(again);
    await waitFor(() => again.every((r) => h.kinds(r.id).includes('sent')), { what: 'reached users messaged again' });
    // 24 h later the units are free: the prune forgets those users.
    const db = h.dispatcher!.dataSource;
    await db.query(`UPDATE portfolio_reach SET reached_at = now() - interval '25 hours' WHERE business_id = $1`, [biz]);
    const parts = h.dispatcher!.app.get<DispatcherParts>(DISPATCHER);
    expect(await parts.state.pruneReach(Date.now(), 100)).toBe(250);
    expect(await db.query('SELECT count(*)::int AS n FROM portfolio_reach WHERE business_id = $1', [biz])).toEqual([{ n: 0 }]);
  });
  it('deletes settled messages past the retention and keeps those still on their way, whatever their age', async () => {
    const db = h.dispatcher!.dataSource;
    const sent = (await db.query(`SELECT id FROM messages WHERE status IN ('sent', 'delivered', 'read') ORDER BY created_at LIMIT 2`)) as { id: string }[];
    expect(sent).toHaveLength(2);
    const [old, live] = [sent[0]!.id, sent[1]!.id];
    await db.query(`UPDATE messages SET created_at = now() - interval '40 days' WHERE id = ANY($1)`, [[old, live]]);
    await db.query(`UPDATE messages SET status = 'scheduled' WHERE id = $1`, [live]); // as if still waiting
    const total = async (): Promise<number> => ((await db.query('SELECT count(*)::int AS n FROM messages')) as { n: number }[])[0]!.n;
    const before = await total();
    const parts = h.dispatcher!.app.get<DispatcherParts & { repo: MessageRepository }>(DISPATCHER);
    expect(await parts.repo.pruneSettled(new Date(Date.now() - 30 * 86_400_000))).toBe(1);
    expect(await total()).toBe(before - 1);
    expect(await db.query('SELECT id FROM messages WHERE id = ANY($1)', [[old, live]])).toEqual([{ id: live }]);
  });
  it('maps our message id to its wamid where Meta takes a wamid (reply context, reaction)', async () => {
    await h.contact(NUM, '4915100000077');
    await waitForContact(h, NUM, '4915100000077');
    const first = h.request(NUM, '4915100000077');
    await h.send([first]);
    await waitFor(() => h.kinds(first.id).includes('sent'), { what: 'first sent' });
    const wamid = h.eventsFor(first.id).find((e) => e.event === 'sent')!.wamid!;
    const reply = h.request(NUM, '4915100000077', { message: { type: 'text', text: { body: 'reply' }, context: { message_id: first.id } } });
    const reaction = h.request(NUM, '4915100000077', { type: 'reaction', message: { type: 'reaction', reaction: { message_id: first.id, emoji: '👍' } } });
    await h.send([reply, reaction]);
    await waitFor(() => h.kinds(reply.id).includes('sent') && h.kinds(reaction.id).includes('sent'), { what: 'reply and reaction sent' });
    const body = (id: string) => graph.calls.find((c) => c.body['biz_opaque_callback_data'] === id)!.body;
    expect(body(reply.id)['context']).toEqual({ message_id: wamid });
    expect(body(reaction.id)['reaction']).toEqual({ message_id: wamid, emoji: '👍' });
  });
});
