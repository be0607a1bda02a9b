import { createHash } from 'node:crypto';
import { specSchemaValidator, verifyWebhookSignature } from '@wabridge/meta';
import { RunningSandbox, requestJson, startSandbox, testNumber, waitFor } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';

const SECRET = 'webhooks-secret';
const PHONE = '106540352242922';

describe('webhooks sent by the sandbox', () => {
  const receiver = new WebhookReceiver(SECRET);
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    const callbackUrl = await receiver.start();
    sandbox = await startSandbox({
      settings: { statusSentDelayMs: 0, statusDeliveredDelayMs: 30, statusReadDelayMs: 60, webhookTickMs: 5, webhookRetryBaseMs: 50 },
      numbers: [testNumber({ phoneNumberId: PHONE, appSecret: SECRET, callbackUrl })],
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  beforeEach(() => receiver.reset());

  it('turns POST /_sandbox/inbound into a signed messages webhook shaped like Meta\'s, and opens the window', async () => {
    const inbound = await requestJson(`${sandbox.url}/_sandbox/inbound`, {
      body: { phoneNumberId: PHONE, from: '+16315551181', profileName: 'Kerry Fisher', message: { type: 'text', text: { body: 'Does it come in another color?' } } },
    });
    expect(inbound).toEqual({ status: 202, body: { wamid: expect.stringMatching(/^wamid\./) } });
    await waitFor(() => receiver.received.length > 0, 30000, 'inbound webhook');
    const hook = receiver.received[0];
    expect(hook?.signatureValid).toBe(true);
    expect(verifyWebhookSignature(hook?.raw ?? Buffer.alloc(0), hook?.signature, 'wrong-secret')).toBe(false);
    expect(hook?.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: PHONE },
                contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: '16315551181', user_id: expect.stringMatching(/^US\.\d+$/) }],
                messages: [{ from: '16315551181', from_user_id: expect.stringMatching(/^US\.\d+$/), id: inbound.body.wamid, timestamp: expect.stringMatching(/^\d{10}$/), type: 'text', text: { body: 'Does it come in another color?' } }],
              },
            },
          ],
        },
      ],
    });
    const reply = await requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { token: 'test-token', body: { messaging_product: 'whatsapp', to: '16315551181', type: 'text', text: { body: 'Yes, in blue.' }, context: { message_id: inbound.body.wamid } } });
    const wamid = (reply.body.messages as { id: string }[])[0]?.id;
    await waitFor(() => receiver.statuses().filter((s) => s.id === wamid).length === 3, 30000, 'statuses');
    expect(receiver.statuses().filter((s) => s.id === wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
  });

  it('sends messages-field webhooks that validate against the WebhookPayload schema of Meta\'s spec (phone users)', async () => {
    const post = (body: unknown): ReturnType<typeof requestJson> => requestJson(`${sandbox.url}/_sandbox/inbound`, { body });
    await post({ phoneNumberId: PHONE, from: '16315551190', profileName: 'Val', message: { type: 'text', text: { body: 'hello' } } });
    await post({ phoneNumberId: PHONE, from: '16315551190', message: { type: 'image', image: { caption: 'look' } } });
    await post({ phoneNumberId: PHONE, from: '16315551190', message: { type: 'location', location: { latitude: 37.48, longitude: -122.15, name: 'HQ', address: '1 Hacker Way' } } });
    const send = (to: string): ReturnType<typeof requestJson> => requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { token: 'test-token', body: { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'reply' }, biz_opaque_callback_data: 'cb-1' } });
    const inWindow = await send('16315551190');
    const outside = await send('16315551191');
    const ids = [inWindow, outside].map((r) => (r.body.messages as { id: string }[])[0]?.id);
    await waitFor(() => receiver.statuses().filter((st) => st.id === ids[0]).length === 3 && receiver.statuses().some((st) => st.id === ids[1]), 30000, 'statuses');
    const validate = specSchemaValidator('WebhookPayload');
    const results = receiver.received.map((r) => validate(r.body));
    expect(results.filter((r) => !r.valid)).toEqual([]);
    expect(receiver.messages()).toHaveLength(3);
    expect(receiver.statuses().map((st) => st.status).sort()).toEqual(['delivered', 'failed', 'read', 'sent']);
  });

  it('gives inbound media a media id the business can download', async () => {
    const inbound = await requestJson(`${sandbox.url}/_sandbox/inbound`, { body: { phoneNumberId: PHONE, from: '16315551182', message: { type: 'image', image: { caption: 'my cat' } } } });
    await waitFor(() => receiver.messages().some((m) => m.id === inbound.body.wamid), 30000, 'inbound webhook');
    const message = receiver.messages().find((m) => m.id === inbound.body.wamid) as { image: { id: string; mime_type: string; sha256: string; caption: string } };
    expect(message.image).toEqual({ caption: 'my cat', id: expect.stringMatching(/^\d+$/), mime_type: 'image/png', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const info = await requestJson(`${sandbox.url}/v23.0/${message.image.id}`, { token: 'test-token' });
    const download = await fetch(info.body.url as string, { headers: { authorization: 'Bearer test-token' } });
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(message.image.sha256);
  });

  it('retries with backoff while the receiver answers 500, then delivers the same signed body', async () => {
    receiver.failFirst = 2;
    const inbound = await requestJson(`${sandbox.url}/_sandbox/inbound`, { body: { phoneNumberId: PHONE, from: '16315551183', message: { type: 'text', text: { body: 'anyone there?' } } } });
    await waitFor(() => receiver.messages().some((m) => m.id === inbound.body.wamid), 30000, 'delivery after retries');
    expect(receiver.received.map((r) => r.answeredWith)).toEqual([500, 500, 200]);
    expect(receiver.received[2]?.raw).toEqual(receiver.received[0]?.raw);
    const stats = await requestJson(`${sandbox.url}/_sandbox/webhooks`);
    expect(stats.body).toMatchObject({ failedAttempts: expect.any(Number), delivered: expect.any(Number), dropped: 0 });
    expect(stats.body.failedAttempts as number).toBeGreaterThanOrEqual(2);
  });

  it('batches updates that come due together into one POST', async () => {
    // Equal delays make sent, delivered and read due at the same instant, so they must share a POST.
    const sameDue = await startSandbox({
      settings: { statusSentDelayMs: 200, statusDeliveredDelayMs: 200, statusReadDelayMs: 200, webhookTickMs: 5 },
      numbers: [testNumber({ phoneNumberId: PHONE, appSecret: SECRET, callbackUrl: receiver.url })],
    });
    try {
      const reply = await requestJson(`${sameDue.url}/v23.0/${PHONE}/messages`, { token: 'test-token', body: { messaging_product: 'whatsapp', to: '16315551185', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } });
      const wamid = (reply.body.messages as { id: string }[])[0]?.id;
      await waitFor(() => receiver.statuses().filter((st) => st.id === wamid).length === 3, 30000, 'three statuses');
      const posts = receiver.received.filter((r) => JSON.stringify(r.body).includes(String(wamid)));
      expect(posts).toHaveLength(1);
      expect(posts[0]?.body.entry[0]?.changes[0]?.value.statuses?.map((st) => st.status)).toEqual(['sent', 'delivered', 'read']);
    } finally {
      await sameDue.close();
    }
  });
});
