import { OtlpReceiver, OtlpSpan, postSignedWebhook, ServiceProcess, spanAttribute, startOtlpReceiver, waitFor } from '@wabridge/testing';
import { call, Platform } from './platform-harness';

// The whole platform as real processes on a fresh database and topic suffix, with the
// sandbox standing in for Meta: what a business sees from its first API call to the read receipt.
const APP = { appId: 'e2e-app', appSecret: 'e2e-app-secret-123456', verifyToken: 'e2e-verify-token' };
const NUMBER = { phoneNumberId: '109000000000001', displayPhoneNumber: '15550009999', wabaId: '209000000000001', accessToken: 'e2e-graph-token' };
const USER = '4915112345678';

describe('the platform end to end (gateway, dispatcher, ingress, contacts, sandbox as Meta)', () => {
  let otlp: OtlpReceiver;
  let platform: Platform;
  let suffix: string;
  let adminToken: string;
  let gateway: ServiceProcess;
  let sandbox: ServiceProcess;
  let ingress: ServiceProcess;
  let apiKey: string;
  let firstMessageId: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    platform = new Platform({
      app: APP,
      // what an operator's collector would receive
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
      serviceEnv: { sandbox: { STATUS_READ_DELAY_MS: '300' } },
    });
    suffix = platform.suffix;
    adminToken = platform.adminToken;
    await platform.start();
    gateway = platform.get('gateway');
    sandbox = platform.get('sandbox');
    ingress = platform.get('ingress');
    apiKey = await platform.onboard(NUMBER); // also checks that no answer carries the access token
  }, 300000);

  afterAll(async () => {
    await platform?.stop();
    await otlp?.close();
  }, 120000);

  const auth = () => ({ authorization: `Bearer ${apiKey}` });

  it('a user writes, the contact appears with an open window, a text goes out once and ends read', async () => {
    const inbound = await call('POST', `${sandbox.url}/_sandbox/inbound`, {
      phoneNumberId: NUMBER.phoneNumberId, from: USER, profileName: 'Anna', message: { type: 'text', text: { body: 'Hallo' } },
    });
    expect(inbound.status).toBe(202);
    const contact = await waitFor(async () => {
      const r = await call('GET', `${gateway.url}/v1/contacts?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
      return r.status === 200 ? r.body.data.find((c: { waId: string }) => c.waId === USER) : undefined;
    }, { timeoutMs: 60000, what: 'the contact through the gateway' });
    expect(contact).toMatchObject({ profileName: 'Anna', optedOut: false });
    expect(new Date(contact.windowOpenUntil).getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);

    // the dispatcher learns the window from contacts' events; wait until a text is allowed
    const sent = await call('POST', `${gateway.url}/v1/messages`, {
      phoneNumberId: NUMBER.phoneNumberId, to: `+${USER}`, type: 'text', text: { body: 'Danke, Anna!' },
    }, { ...auth(), 'idempotency-key': `k-${suffix}` });
    expect(sent.status).toBe(202);
    firstMessageId = sent.body.id;
    const final = await waitFor(async () => {
      const r = await call('GET', `${gateway.url}/v1/messages/${sent.body.id}`, undefined, auth());
      return r.body?.status === 'read' ? r.body : undefined;
    }, { timeoutMs: 60000, what: 'the message to be read' });
    expect(final).toMatchObject({ id: sent.body.id, phoneNumberId: NUMBER.phoneNumberId, to: USER, wamid: expect.stringMatching(/^wamid\./) });
    expect(final.history.map((h: { status: string }) => h.status)).toEqual(expect.arrayContaining(['accepted', 'sent', 'delivered', 'read']));

    const calls = await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`);
    const mine = calls.body.calls.filter((c: { body: { biz_opaque_callback_data?: string } }) => c.body.biz_opaque_callback_data === sent.body.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].body).toMatchObject({ messaging_product: 'whatsapp', to: USER, type: 'text', text: { body: 'Danke, Anna!' } });
  }, 180000);

  it('traces a send as one trace (gateway request → dispatcher consume → Graph call) that the status webhooks link to', async () => {
    const ofMessage = (s: OtlpSpan): boolean => spanAttribute(s, 'wabridge.message_id') === firstMessageId;
    const graphCall = await waitFor(() => otlp.spans.find((s) => s.service === 'dispatcher' && s.name === 'graph.messages send' && ofMessage(s)),
      { timeoutMs: 30000, what: `the Graph call span (have ${[...new Set(otlp.spans.map((s) => `${s.service}:${s.name}`))].join(', ')})` });
    const trace = await waitFor(() => {
      const mine = otlp.spans.filter((s) => s.traceId === graphCall.traceId);
      const request = mine.find((s) => s.service === 'gateway' && s.kind === 2 && /^POST/.test(s.name));
      const consume = mine.find((s) => s.service === 'dispatcher' && /^wa\.outbound\.requested\.v1\..* process$/.test(s.name) && ofMessage(s));
      return request && consume ? { request, consume, mine } : undefined;
    }, { timeoutMs: 30000, what: 'the gateway request and dispatcher consume spans in the same trace' });
    expect(graphCall.kind).toBe(3); // CLIENT
    expect(graphCall.parentSpanId).toBe(trace.consume.spanId);
    // the gateway's publish of the send command sits between its request and our consume
    const publish = trace.mine.find((s) => s.spanId === trace.consume.parentSpanId);
    expect(publish?.service).toBe('gateway');
    expect(publish?.name).toMatch(/^wa\.outbound\.requested\.v1\..* publish$/);
    // Meta's status webhooks start their own traces (sandbox → ingress → dispatcher); each
    // status the dispatcher applies to this message links back to the send's trace (statuses
    // are applied in batches, so one span may carry several of these links).
    const linked = await waitFor(() => {
      const spans = otlp.spans.filter((s) => s.service === 'dispatcher' && /^wa\.status\.updated\.v1\..* process$/.test(s.name) &&
        (s.links ?? []).some((l) => l.traceId === graphCall.traceId));
      const links = spans.flatMap((s) => s.links ?? []).filter((l) => l.traceId === graphCall.traceId);
      return links.length >= 3 ? spans : undefined; // sent, delivered, read
    }, { timeoutMs: 30000, what: 'status spans linked to the send' });
    for (const s of linked) expect(s.traceId).not.toBe(graphCall.traceId);
  }, 60000);

  it('an opt-out keyword stops further texts and templates before any Graph call', async () => {
    await call('POST', `${sandbox.url}/_sandbox/inbound`, { phoneNumberId: NUMBER.phoneNumberId, from: USER, message: { type: 'text', text: { body: 'STOP' } } });
    await waitFor(async () => {
      const r = await call('GET', `${gateway.url}/v1/contacts?phoneNumberId=${NUMBER.phoneNumberId}`, undefined, auth());
      return r.body?.data?.find((c: { waId: string; optedOut: boolean }) => c.waId === USER && c.optedOut) ? true : undefined;
    }, { timeoutMs: 60000, what: 'the contact to be opted out' });
    const before = (await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls.length;
    const sent = await waitFor(async () => {
      const r = await call('POST', `${gateway.url}/v1/messages`, { phoneNumberId: NUMBER.phoneNumberId, to: `+${USER}`, type: 'text', text: { body: 'one more?' } }, auth());
      const m = await waitFor(async () => {
        const g = await call('GET', `${gateway.url}/v1/messages/${r.body.id}`, undefined, auth());
        return g.body?.status && g.body.status !== 'accepted' ? g.body : undefined;
      }, { timeoutMs: 30000, what: 'a decision on the message' });
      // the opt-out event may reach the dispatcher a moment after the contact API shows it
      return m.status === 'rejected' || m.status === 'failed' ? m : undefined;
    }, { timeoutMs: 90000, intervalMs: 1000, what: 'a send refused for the opted-out contact' });
    expect(sent.error).toMatchObject({ class: 'compliance' });
    // A template is refused too: opting out beats the template exemption from the 24 h window.
    const template = await call('POST', `${gateway.url}/v1/messages`, {
      phoneNumberId: NUMBER.phoneNumberId, to: `+${USER}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } },
    }, auth());
    expect(template.status).toBe(202);
    const refused = await waitFor(async () => {
      const g = await call('GET', `${gateway.url}/v1/messages/${template.body.id}`, undefined, auth());
      return g.body?.status && g.body.status !== 'accepted' ? g.body : undefined;
    }, { timeoutMs: 30000, what: 'a decision on the template' });
    expect(refused).toMatchObject({ status: expect.stringMatching(/rejected|failed/), error: { class: 'compliance' } });
    const after = (await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`)).body.calls.length;
    expect(after).toBe(before);
  }, 180000);

  it('a Meta app registered through the gateway is verified by ingress without a restart', async () => {
    const app2 = { appId: `app2-${suffix}`, appSecret: 'second-app-secret-987', verifyToken: 'second-verify' };
    expect((await call('POST', `${gateway.url}/admin/v1/apps`, app2, { authorization: `Bearer ${adminToken}` })).status).toBe(201);
    const ingressUrl = ingress.url;
    const challenge = await waitFor(async () => {
      const r = await fetch(`${ingressUrl}/webhooks/meta/${app2.appId}?hub.mode=subscribe&hub.verify_token=${app2.verifyToken}&hub.challenge=77`);
      return r.status === 200 ? r.text() : undefined;
    }, { timeoutMs: 30000, what: 'ingress to learn the new app' });
    expect(challenge).toBe('77');
    const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }));
    expect((await postSignedWebhook(`${ingressUrl}/webhooks/meta/${app2.appId}`, body, app2.appSecret)).status).toBe(200);
    expect((await postSignedWebhook(`${ingressUrl}/webhooks/meta/${app2.appId}`, body, APP.appSecret)).status).toBe(401);
  }, 60000);

  it('another tenant cannot see the message or the contact (404, not 403)', async () => {
    const other = await call('POST', `${gateway.url}/admin/v1/tenants`, { name: 'other' }, { authorization: `Bearer ${adminToken}` });
    const otherAuth = { authorization: `Bearer ${other.body.apiKey.key}` };
    const list = await call('GET', `${gateway.url}/v1/messages`, undefined, auth());
    const id = list.body.data[0].id;
    expect((await call('GET', `${gateway.url}/v1/messages/${id}`, undefined, otherAuth)).status).toBe(404);
    const send = await call('POST', `${gateway.url}/v1/messages`, { phoneNumberId: NUMBER.phoneNumberId, to: `+${USER}`, type: 'text', text: { body: 'x' } }, otherAuth);
    expect(send.status).toBe(404);
  }, 60000);
});
