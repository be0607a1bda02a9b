import { RunningSandbox, requestJson, startSandbox, testNumber, waitFor } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';
import { peerMessageOf } from './peer-delivery';

const SECRET = 'peer-secret';
const A = { phoneNumberId: '200000000000001', displayPhoneNumber: '+1 555 000 1001', accessToken: 'token-a' };
const B = { phoneNumberId: '200000000000002', displayPhoneNumber: '15550001002', accessToken: 'token-b' };

describe('sandbox numbers writing to each other', () => {
  const receiver = new WebhookReceiver(SECRET);
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    const callbackUrl = await receiver.start();
    sandbox = await startSandbox({
      settings: { statusSentDelayMs: 0, statusDeliveredDelayMs: 20, statusReadDelayMs: 40, webhookTickMs: 5 },
      numbers: [testNumber({ ...A, appSecret: SECRET, callbackUrl }), testNumber({ ...B, appSecret: SECRET, callbackUrl })],
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  const send = (from: typeof A, body: Record<string, unknown>) =>
    requestJson(`${sandbox.url}/v23.0/${from.phoneNumberId}/messages`, { token: from.accessToken, body: { messaging_product: 'whatsapp', ...body } });

  it('delivers a send to another number\'s display phone as an inbound message of that number, from the sender\'s number', async () => {
    // B starts with a template (no window needed); A receives it as B's user writing, which opens A's window for B
    const first = await send(B, { to: '15550001001', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    expect(first.status).toBe(200);
    await waitFor(() => receiver.messages().length === 1, 30000, 'A receives B\'s message');
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    const change = receiver.received.flatMap((r) => r.body.entry.flatMap((e) => e.changes)).find((c) => c.value.messages);
    expect(change?.value).toMatchObject({
      metadata: { phone_number_id: A.phoneNumberId },
      contacts: [{ wa_id: '15550001002', profile: { name: 'Sandbox 15550001002' } }],
      messages: [{ from: '15550001002', type: 'text', text: { body: '[template hello_world]' } }],
    });
    // A answers free-form inside that window: delivered, and routed back to B
    const reply = await send(A, { to: '15550001002', type: 'interactive', interactive: { type: 'button', body: { text: 'pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'x', title: 'X' } }] } } });
    expect(reply.status).toBe(200);
    await waitFor(() => receiver.messages().length === 2, 30000, 'B receives A\'s answer');
    expect(receiver.messages()[1]).toMatchObject({ from: '15550001001', type: 'text', text: { body: 'pick one' } });
    const replyWamid = (reply.body.messages as { id: string }[])[0]!.id;
    await waitFor(() => receiver.statuses().some((s) => s.id === replyWamid && s.status === 'delivered'), 30000, 'delivered');
  });

  it('routes nothing to a user that is no number of the sandbox, nor a send that fails (outside the window)', async () => {
    const before = receiver.messages().length;
    expect((await send(A, { to: '4915112345678', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })).status).toBe(200);
    const outside = await send(A, { to: '15550009999', type: 'text', text: { body: 'nobody wrote' } });
    const outsideWamid = (outside.body.messages as { id: string }[])[0]!.id;
    await waitFor(() => receiver.statuses().some((s) => s.id === outsideWamid && s.status === 'failed'), 30000, '131047 for the free-form send');
    // B writes to A again (A's answer opened B's window for A): exactly one more message anywhere
    expect((await send(B, { to: '15550001001', type: 'text', text: { body: 'again' } })).status).toBe(200);
    await waitFor(() => receiver.messages().length === before + 1, 30000, 'B to A again');
    expect(receiver.messages()[before]).toMatchObject({ from: '15550001002', text: { body: 'again' } });
  });

  it('reads a text, an interactive body and a template name as the receiving user\'s text', () => {
    expect(peerMessageOf({ type: 'text', text: { body: 'hi' } })).toEqual({ type: 'text', text: { body: 'hi' } });
    expect(peerMessageOf({ type: 'interactive', interactive: { type: 'list', body: { text: 'choose' }, action: {} } })).toEqual({ type: 'text', text: { body: 'choose' } });
    expect(peerMessageOf({ type: 'template', template: { name: 'welcome' } })).toEqual({ type: 'text', text: { body: '[template welcome]' } });
    expect(peerMessageOf({ type: 'image', image: { id: '1' } })).toBeUndefined();
  });
});
