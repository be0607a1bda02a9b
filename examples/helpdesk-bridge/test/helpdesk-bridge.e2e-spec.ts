import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { waitFor } from '@wabridge/testing';
import { ExampleProcess } from '../../../test/e2e/example-process';
import { call, Platform } from '../../../test/e2e/platform-harness';

// Example 3 (issue 21): the helpdesk bridge run as its README says (one command, a process)
// against the platform with the sandbox as Meta, the notifier delivering its webhooks and the
// conversations service keeping the history the agent replies into.
const SCRIPT = path.resolve(__dirname, '..', 'bridge.js');
const NUMBER = { phoneNumberId: '109000000000721', displayPhoneNumber: '15550000721', wabaId: '209000000000721', accessToken: 'e2e-helpdesk-token' };
const CUSTOMER = '4915112340721';

describe('examples/helpdesk-bridge: inbound message → ticket, agent reply → WhatsApp', () => {
  let platform: Platform;
  let bridge: ExampleProcess;
  let dir: string;
  let url: string;
  let apiKey: string;

  beforeAll(async () => {
    platform = new Platform({ notifier: true, conversations: true });
    await platform.start();
    apiKey = await platform.onboard(NUMBER);
    dir = mkdtempSync(path.join(tmpdir(), 'helpdesk-'));
    // as after `npm start`: the API key comes from the state file it writes (here LOCAL_STATE_DIR), not from the env
    writeFileSync(path.join(dir, 'dev-secrets.json'), JSON.stringify({ localTenant: { id: 'x', apiKey } }));
    bridge = new ExampleProcess(SCRIPT, [], {
      WABRIDGE_URL: platform.get('gateway').url, LOCAL_STATE_DIR: dir, PORT: '0',
      WABRIDGE_PHONE_NUMBER_ID: NUMBER.phoneNumberId, DATA_FILE: path.join(dir, 'tickets.json'),
    });
    url = (await bridge.start()).url as string;
  }, 300000);

  afterAll(async () => {
    await bridge?.stop();
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120000);

  it('opens a ticket from the customer message and sends the agent reply to the customer, delivered', async () => {
    const sandbox = platform.get('sandbox');
    const inbound = await call('POST', `${sandbox.url}/_sandbox/inbound`, { phoneNumberId: NUMBER.phoneNumberId, from: CUSTOMER, profileName: 'Ada', message: { type: 'text', text: { body: 'My order 4711 has not arrived' } } });
    expect(inbound.status).toBe(202);

    const ticket = await waitFor(async () => {
      const r = await call('GET', `${url}/tickets`);
      return (r.body.data as any[]).find((t) => t.customer.waId === CUSTOMER);
    }, { timeoutMs: 60000, what: 'a ticket for the customer' });
    expect(ticket).toMatchObject({ status: 'open', phoneNumberId: NUMBER.phoneNumberId, customer: { waId: CUSTOMER, name: 'Ada' }, messages: [{ from: 'customer', text: 'My order 4711 has not arrived', wamid: inbound.body.wamid }] });

    // a second message of the same customer lands on the same ticket
    await call('POST', `${sandbox.url}/_sandbox/inbound`, { phoneNumberId: NUMBER.phoneNumberId, from: CUSTOMER, profileName: 'Ada', message: { type: 'text', text: { body: 'It was due Monday' } } });
    await waitFor(async () => (await call('GET', `${url}/tickets/${ticket.id}`)).body.messages.length === 2 || undefined, { timeoutMs: 60000, what: 'the second message on the ticket' });

    const reply = await call('POST', `${url}/tickets/${ticket.id}/replies`, { text: 'Sorry Ada, it ships today.', agent: 'bob' });
    expect(reply.status).toBe(202);

    // the sandbox (Meta) got the reply as a text to the customer from our number
    const graph = await waitFor(async () => {
      const r = await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`);
      return (r.body.calls as any[]).find((c) => c.body.type === 'text' && c.body.text?.body === 'Sorry Ada, it ships today.');
    }, { timeoutMs: 60000, what: 'the reply in the sandbox call log' });
    expect(graph).toMatchObject({ httpStatus: 200, body: { to: CUSTOMER, biz_opaque_callback_data: reply.body.messageId } });

    // its status comes back to the ticket through the signed message.status webhooks
    const replied = await waitFor(async () => {
      const t = (await call('GET', `${url}/tickets/${ticket.id}`)).body;
      const m = t.messages.find((x: any) => x.messageId === reply.body.messageId);
      return m && ['delivered', 'read'].includes(m.status) ? t : undefined;
    }, { timeoutMs: 60000, what: 'the reply delivered on the ticket' });
    expect(replied.messages.map((m: any) => m.from)).toEqual(['customer', 'customer', 'agent']);
    expect(replied.messages).toHaveLength(3);
  }, 180000);

  it('shows a reply Meta refused outright as failed on the ticket, with the error (message.failed)', async () => {
    const sandbox = platform.get('sandbox');
    const customer = '4915112340722';
    await call('POST', `${sandbox.url}/_sandbox/inbound`, { phoneNumberId: NUMBER.phoneNumberId, from: customer, profileName: 'Eve', message: { type: 'text', text: { body: 'Hello?' } } });
    const ticket = await waitFor(async () => ((await call('GET', `${url}/tickets`)).body.data as any[]).find((t) => t.customer.waId === customer), { timeoutMs: 60000, what: 'a ticket for the second customer' });
    // Graph refuses every call of the number synchronously with a permanent error: no wamid, no status webhook
    expect((await call('POST', `${sandbox.url}/_sandbox/faults`, { phoneNumberId: NUMBER.phoneNumberId, errorCode: 131009, httpStatus: 400 })).status).toBe(201);
    try {
      const reply = await call('POST', `${url}/tickets/${ticket.id}/replies`, { text: 'We are on it.', agent: 'bob' });
      expect(reply.status).toBe(202);
      const failed = await waitFor(async () => {
        const t = (await call('GET', `${url}/tickets/${ticket.id}`)).body;
        const m = t.messages.find((x: any) => x.messageId === reply.body.messageId);
        return m?.status === 'failed' ? m : undefined;
      }, { timeoutMs: 60000, what: 'the refused reply failed on the ticket' });
      expect(failed.error).toMatchObject({ code: 131009 });
    } finally {
      await call('DELETE', `${sandbox.url}/_sandbox/faults?phoneNumberId=${NUMBER.phoneNumberId}`);
    }
  }, 180000);

  it('refuses a webhook that is not signed by the platform, and opens no ticket from it', async () => {
    const before = (await call('GET', `${url}/tickets`)).body.data.length;
    const forged = await call('POST', `${url}/webhooks/wabridge`, {
      type: 'message.received', timestamp: new Date().toISOString(),
      data: { tenantId: 'x', phoneNumberId: NUMBER.phoneNumberId, wamid: 'wamid.forged', from: { waId: '4915112340799' }, message: { type: 'text', text: { body: 'hi' } } },
    }, { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' });
    expect(forged.status).toBe(401);
    expect((await call('GET', `${url}/tickets`)).body.data).toHaveLength(before);
    expect((await call('POST', `${url}/tickets/T-999/replies`, { text: 'x' })).status).toBe(404);
  });
});
