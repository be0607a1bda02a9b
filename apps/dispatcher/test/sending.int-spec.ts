import { waitFor } from '@wabridge/testing';
import { GraphStub } from './graph-stub';
import { Harness, waitForContact, waitForNumber } from './harness';

describe('dispatcher sending (real Kafka and Postgres, Graph stub)', () => {
  const h = new Harness();
  const graph = new GraphStub();
  const NUM = String(100000 + Math.floor(Math.random() * 899999));

  beforeAll(async () => {
    await graph.start();
    await h.start();
    await h.boot({ PAIR_REFILL_MS: '6000' });
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
});
