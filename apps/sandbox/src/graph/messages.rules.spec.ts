import { specSchemaValidator } from '@wabridge/meta';
import { RunningSandbox, requestJson, startSandbox, testNumber, waitFor } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';

const SECRET = 'rules-app-secret';

function text(to: string, body = 'hello'): Record<string, unknown> {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body } };
}

function template(to: string, name = 'hello_world', language = 'en_US'): Record<string, unknown> {
  return { messaging_product: 'whatsapp', to, type: 'template', template: { name, language: { code: language } } };
}

function expectMetaError(reply: { status: number; body: Record<string, unknown> }, code: number, httpStatus = 400): void {
  expect(reply.status).toBe(httpStatus);
  expect(reply.body).toEqual({
    error: {
      message: expect.stringMatching(code >= 1000 ? new RegExp(`^\\(#${code}\\) `) : /.+/),
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
      fbtrace_id: expect.stringMatching(/^A[A-Za-z0-9_-]{22}$/),
    },
  });
  expect(specSchemaValidator('GraphAPIError')(reply.body)).toEqual({ valid: true, errors: [] });
}

describe('Meta rules on POST /{version}/{phone-number-id}/messages', () => {
  const receiver = new WebhookReceiver(SECRET);
  let sandbox: RunningSandbox;
  let callbackUrl: string;

  beforeAll(async () => {
    callbackUrl = await receiver.start();
    sandbox = await startSandbox({
      settings: { statusSentDelayMs: 0, statusDeliveredDelayMs: 20, statusReadDelayMs: 40, webhookTickMs: 5, templateReviewDelayMs: 300, marketingPerUserLimit: 2 },
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  let seq = 0;
  /** A fresh number per test so limits and windows never leak between tests. */
  async function number(overrides: Record<string, unknown> = {}): Promise<{ id: string; send: (body: unknown, token?: string | null) => ReturnType<typeof requestJson> }> {
    seq++;
    const id = `10654035224${String(seq).padStart(4, '0')}`;
    const reply = await requestJson(`${sandbox.url}/_sandbox/numbers`, {
      body: { ...testNumber({ phoneNumberId: id, appSecret: SECRET, callbackUrl, wabaId: `waba-${seq}` }), ...overrides },
    });
    expect(reply.status).toBe(201);
    return { id, send: (body, token = 'test-token') => requestJson(`${sandbox.url}/v23.0/${id}/messages`, { body, token }) };
  }

  function statusesOf(wamid: unknown): Record<string, unknown>[] {
    return receiver.statuses().filter((s) => s.id === wamid);
  }

  it('answers 190 with HTTP 401 when the bearer token is wrong or absent', async () => {
    const n = await number();
    expectMetaError(await n.send(template('16505550001'), 'wrong-token'), 190, 401);
    expectMetaError(await n.send(template('16505550001'), null), 190, 401);
  });

  it('answers 100 with subcode 33 for a phone number id the sandbox does not know', async () => {
    const reply = await requestJson(`${sandbox.url}/v23.0/999000111/messages`, { body: template('16505550001'), token: 'test-token' });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'OAuthException' });
  });

  it('answers 130429 in the HTTP response once the number has used its messages per second', async () => {
    const n = await number({ mps: 1 });
    // Sent together so no refill can happen in between, even on a loaded machine.
    const replies = await Promise.all([0, 1, 2, 3].map((i) => n.send(template(`1650555100${i}`))));
    const throttled = replies.filter((r) => r.status !== 200);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    for (const reply of throttled) expectMetaError(reply, 130429);
  });

  it('answers 131056 when one recipient gets more than the pair burst, while other recipients still get through', async () => {
    const n = await number({ pairBurst: 3 });
    for (let i = 0; i < 3; i++) expect((await n.send(template('16505552000'))).status).toBe(200);
    expectMetaError(await n.send(template('16505552000')), 131056);
    expect((await n.send(template('16505552001'))).status).toBe(200);
  });

  it('answers 132001 for an unknown template and for one still in review, and accepts it once approved', async () => {
    const n = await number();
    expectMetaError(await n.send(template('16505553000', 'no_such_template')), 132001);
    expectMetaError(await n.send(template('16505553000', 'hello_world', 'de')), 132001);
    const created = await requestJson(`${sandbox.url}/v23.0/waba-${seq}/message_templates`, {
      token: 'test-token',
      body: { name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Order {{1}} shipped' }] },
    });
    expect(created.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
    const withParam = { ...template('16505553000', 'order_update'), template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'A1' }] }] } };
    expectMetaError(await n.send(withParam), 132001);
    await waitFor(async () => (await requestJson(`${sandbox.url}/v23.0/waba-${seq}/message_templates?name=order_update`, { token: 'test-token' })).body.data instanceof Array && JSON.stringify((await requestJson(`${sandbox.url}/v23.0/waba-${seq}/message_templates?name=order_update`, { token: 'test-token' })).body).includes('APPROVED'), 30000, 'approval');
    expect((await n.send(withParam)).status).toBe(200);
    expectMetaError(await n.send(template('16505553000', 'order_update')), 132000);
  });

  it('sends the message_template_status_update webhook when review ends, REJECTED for names containing "reject"', async () => {
    await number();
    const created = await requestJson(`${sandbox.url}/v23.0/waba-${seq}/message_templates`, {
      token: 'test-token',
      body: { name: 'please_reject_me', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi' }] },
    });
    const templateId = Number(created.body.id);
    await waitFor(() => receiver.received.some((r) => r.body.entry.some((e) => e.changes.some((c) => c.value.message_template_id === templateId))), 30000, 'template webhook');
    const hook = receiver.received.find((r) => r.body.entry.some((e) => e.changes.some((c) => c.value.message_template_id === templateId)));
    expect(hook?.signatureValid).toBe(true);
    expect(hook?.body.entry[0]?.changes[0]).toEqual({
      field: 'message_template_status_update',
      value: { event: 'REJECTED', message_template_id: templateId, message_template_name: 'please_reject_me', message_template_language: 'en', reason: 'INVALID_FORMAT', message_template_category: 'MARKETING' },
    });
  });

  it('answers 131008 for a missing field, 131009 for a value out of range and 100 for a malformed request', async () => {
    const n = await number();
    expectMetaError(await n.send({ messaging_product: 'whatsapp', to: '16505554000', type: 'text', text: {} }), 131008);
    const fourButtons = [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `b${i}`, title: `Button ${i}` } }));
    expectMetaError(await n.send({ messaging_product: 'whatsapp', to: '16505554000', type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: fourButtons } } }), 131009);
    expectMetaError(await n.send({ messaging_product: 'whatsapp', to: '16505554000', type: 'text', text: { body: 'x'.repeat(4097) } }), 131009);
    expectMetaError(await n.send({ messaging_product: 'sms', to: '16505554000', type: 'text', text: { body: 'hi' } }), 100);
    expectMetaError(await n.send({ messaging_product: 'whatsapp', to: '16505554000', type: 'telepathy' }), 100);
    expectMetaError(await n.send({ messaging_product: 'whatsapp', to: '16505554000', type: 'image', image: { id: '123456789' } }), 100);
  });

  it('accepts a free-form message outside the 24 h window, then reports 131047 as a failed status webhook', async () => {
    const n = await number();
    const reply = await n.send(text('16505555000'));
    expect(reply.status).toBe(200);
    const wamid = (reply.body.messages as { id: string }[])[0]?.id;
    await waitFor(() => statusesOf(wamid).length > 0, 30000, 'failed status');
    await new Promise((r) => setTimeout(r, 100));
    const statuses = statusesOf(wamid);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({
      id: wamid,
      status: 'failed',
      recipient_id: '16505555000',
      errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: expect.any(String) }, href: expect.any(String) }],
    });
  });

  it('delivers a free-form reply inside the window opened by the user, with sent → delivered → read and free pricing', async () => {
    const n = await number();
    const inbound = await requestJson(`${sandbox.url}/_sandbox/inbound`, { body: { phoneNumberId: n.id, from: '16505556000', profileName: 'Ada', message: { type: 'text', text: { body: 'hi' } } } });
    expect(inbound.status).toBe(202);
    const reply = await n.send({ ...text('+1 650-555-6000', 'hello back'), biz_opaque_callback_data: 'our-id-1' });
    expect(reply.body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '+1 650-555-6000', wa_id: '16505556000' }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });
    const wamid = (reply.body.messages as { id: string }[])[0]?.id;
    await waitFor(() => statusesOf(wamid).length === 3, 30000, 'three statuses');
    const statuses = statusesOf(wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statuses[0]).toMatchObject({
      recipient_id: '16505556000',
      recipient_user_id: expect.stringMatching(/^US\.\d+$/),
      biz_opaque_callback_data: 'our-id-1',
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    });
  });

  it('accepts a send to a "not on WhatsApp" recipient, then reports 131026', async () => {
    const n = await number({ notOnWhatsAppPattern: '^1650555700' });
    const reply = await n.send(template('16505557001'));
    expect(reply.status).toBe(200);
    const wamid = (reply.body.messages as { id: string }[])[0]?.id;
    await waitFor(() => statusesOf(wamid).length > 0, 30000, 'failed status');
    expect(statusesOf(wamid)[0]).toMatchObject({ status: 'failed', errors: [{ code: 131026 }] });
  });

  it('fails business-initiated sends with 131048 once the portfolio has reached its tier of unique users, across its numbers', async () => {
    const a = await number({ mps: 1000, tier: 'TIER_250', portfolioId: 'portfolio-x' });
    const b = await number({ mps: 1000, tier: 250, portfolioId: 'portfolio-x' });
    const user = (i: number): string => `1650600${String(i).padStart(4, '0')}`;
    for (let batch = 0; batch < 10; batch++) {
      const sender = batch < 6 ? a : b;
      const replies = await Promise.all(Array.from({ length: 25 }, (_, j) => sender.send(template(user(batch * 25 + j)))));
      expect(replies.every((r) => r.status === 200)).toBe(true);
    }
    const again = await a.send(template('16506000000'));
    const over = await b.send(template('16506009999'));
    expect(over.status).toBe(200);
    const overId = (over.body.messages as { id: string }[])[0]?.id;
    const againId = (again.body.messages as { id: string }[])[0]?.id;
    await waitFor(() => statusesOf(overId).length > 0 && statusesOf(againId).length > 0, 30000, 'statuses');
    expect(statusesOf(overId)[0]).toMatchObject({ status: 'failed', errors: [{ code: 131048 }] });
    expect(statusesOf(againId)[0]).toMatchObject({ status: 'sent' });
  });

  it('answers 131021 when the recipient is the sending number itself', async () => {
    const n = await number();
    expectMetaError(await n.send(template('+1 555-078-3881')), 131021);
  });

  it('fails marketing templates beyond the per-user marketing limit with 131049', async () => {
    const n = await number();
    await requestJson(`${sandbox.url}/v23.0/waba-${seq}/message_templates`, {
      token: 'test-token',
      body: { name: 'weekly_promo', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }] },
    });
    await waitFor(async () => (await n.send(template('16505559900', 'weekly_promo'))).status === 200, 30000, 'approval');
    const second = await n.send(template('16505559900', 'weekly_promo'));
    const third = await n.send(template('16505559900', 'weekly_promo'));
    const [secondId, thirdId] = [second, third].map((r) => (r.body.messages as { id: string }[])[0]?.id);
    await waitFor(() => statusesOf(secondId).length > 0 && statusesOf(thirdId).length > 0, 30000, 'statuses');
    expect(statusesOf(secondId)[0]).toMatchObject({ status: 'sent', pricing: { billable: true, type: 'regular', category: 'marketing' } });
    expect(statusesOf(thirdId)[0]).toMatchObject({ status: 'failed', errors: [{ code: 131049 }] });
  });

  it('addresses username users by BSUID: contacts answer user_id and statuses carry no recipient_id', async () => {
    const n = await number();
    const bsuid = 'US.13491208655302741918';
    const inbound = await requestJson(`${sandbox.url}/_sandbox/inbound`, { body: { phoneNumberId: n.id, from: bsuid, profileName: 'Sheena', username: '@sheena', message: { type: 'text', text: { body: 'hey' } } } });
    await waitFor(() => receiver.messages().some((m) => m.id === inbound.body.wamid), 30000, 'inbound webhook');
    const value = receiver.received
      .flatMap((r) => r.body.entry.flatMap((e) => e.changes))
      .find((c) => c.value.messages?.some((m) => m.id === inbound.body.wamid))?.value;
    expect(value?.contacts).toEqual([{ profile: { name: 'Sheena', username: '@sheena' }, user_id: bsuid }]);
    expect(value?.messages?.[0]).not.toHaveProperty('from');
    expect(value?.messages?.[0]).toMatchObject({ from_user_id: bsuid, type: 'text', text: { body: 'hey' } });

    const reply = await n.send({ messaging_product: 'whatsapp', recipient: bsuid, type: 'text', text: { body: 'hi' } });
    expect(reply.body.contacts).toEqual([{ input: bsuid, user_id: bsuid }]);
    const wamid = (reply.body.messages as { id: string }[])[0]?.id;
    await waitFor(() => statusesOf(wamid).length > 0, 30000, 'status');
    expect(statusesOf(wamid)[0]).toMatchObject({ status: 'sent', recipient_user_id: bsuid });
    expect(statusesOf(wamid)[0]).not.toHaveProperty('recipient_id');
  });

  it('answers mark-as-read with success and logs every call, accepted or not, in GET /_sandbox/calls', async () => {
    const n = await number();
    expect((await n.send({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' })).body).toEqual({ success: true });
    await n.send(template('16505558000'), 'bad');
    const calls = await requestJson(`${sandbox.url}/_sandbox/calls?phoneNumberId=${n.id}`);
    const list = calls.body.calls as { at: string; phoneNumberId: string; to: string | null; httpStatus: number; response: unknown; body: unknown }[];
    expect(list.map((c) => [c.to, c.httpStatus])).toEqual([
      [null, 200],
      ['16505558000', 401],
    ]);
    expect(list[1]).toMatchObject({ phoneNumberId: n.id, at: expect.stringMatching(/^\d{4}-/), body: template('16505558000'), response: { error: { code: 190 } } });
  });

  it('logs an oversized body by its size only and counts answers by code in /metrics', async () => {
    const n = await number();
    await n.send({ messaging_product: 'whatsapp', to: '16505558100', type: 'text', text: { body: 'x'.repeat(70 * 1024) } });
    const calls = await requestJson(`${sandbox.url}/_sandbox/calls?phoneNumberId=${n.id}`);
    expect((calls.body.calls as { body: unknown; httpStatus: number }[])[0]).toMatchObject({ body: { truncated: true, jsonChars: expect.any(Number) }, httpStatus: 400 });
    const metrics = await (await fetch(`${sandbox.url}/metrics`)).text();
    expect(metrics).toMatch(/sandbox_graph_messages_total\{code="131009"[^}]*\} \d+/);
  });

  it('injects faults: a forced error code and HTTP status for a share of calls, then clears them', async () => {
    const n = await number();
    expect((await requestJson(`${sandbox.url}/_sandbox/faults`, { body: { phoneNumberId: n.id, errorCode: 131000, httpStatus: 500, latencyMs: 50 } })).status).toBe(201);
    const started = Date.now();
    const failed = await n.send(template('16505559000'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(failed.status).toBe(500);
    expect(failed.body.error).toMatchObject({ code: 131000, message: '(#131000) Something went wrong' });
    const cleared = await fetch(`${sandbox.url}/_sandbox/faults?phoneNumberId=${n.id}`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect((await n.send(template('16505559000'))).status).toBe(200);
  });

  it('answers control errors as {error: {code, message, details}}', async () => {
    const reply = await requestJson(`${sandbox.url}/_sandbox/numbers`, { body: { phoneNumberId: 'x' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 'invalid_request', message: expect.any(String), details: expect.arrayContaining([expect.objectContaining({ field: 'callbackUrl' })]) });
    const unknown = await requestJson(`${sandbox.url}/_sandbox/inbound`, { body: { phoneNumberId: 'nope', from: '1650', message: { type: 'text', text: { body: 'x' } } } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_number' });
  });
});
