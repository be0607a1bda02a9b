import { FakeClock } from '../common/clock';
import { RunningSandbox, requestJson, startSandbox, testNumber, waitFor } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';

/** Rules that take hours or minutes at Meta, driven by a fake clock through the real HTTP app. */
describe('time-based rules with a fake clock', () => {
  const receiver = new WebhookReceiver('clock-secret');
  const clock = new FakeClock();
  let sandbox: RunningSandbox;
  const PHONE = '106540352242922';

  beforeAll(async () => {
    const callbackUrl = await receiver.start();
    sandbox = await startSandbox({
      clock,
      settings: { statusSentDelayMs: 0, statusDeliveredDelayMs: 0, statusReadDelayMs: 0, webhookTickMs: 5 },
      numbers: [testNumber({ phoneNumberId: PHONE, appSecret: 'clock-secret', callbackUrl, mps: 1000 })],
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  async function sendText(to: string): Promise<string> {
    const reply = await requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { token: 'test-token', body: { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } } });
    expect(reply.status).toBe(200);
    return (reply.body.messages as { id: string }[])[0]?.id ?? '';
  }

  async function firstStatus(wamid: string): Promise<Record<string, unknown> | undefined> {
    await waitFor(() => receiver.statuses().some((s) => s.id === wamid), 3000, `status of ${wamid}`);
    return receiver.statuses().find((s) => s.id === wamid);
  }

  it('closes the customer-service window 24 h after the user last wrote', async () => {
    await requestJson(`${sandbox.url}/_sandbox/inbound`, { body: { phoneNumberId: PHONE, from: '16505550100', message: { type: 'text', text: { body: 'hi' } } } });
    clock.advance(24 * 3600_000 - 1000);
    expect(await firstStatus(await sendText('16505550100'))).toMatchObject({ status: 'sent' });
    clock.advance(1000);
    expect(await firstStatus(await sendText('16505550100'))).toMatchObject({ status: 'failed', errors: [{ code: 131047 }] });
  });

  it('lets a media URL expire after 5 minutes', async () => {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'a.png');
    const upload = (await (await fetch(`${sandbox.url}/v23.0/${PHONE}/media`, { method: 'POST', body: form, headers: { authorization: 'Bearer test-token' } })).json()) as { id: string };
    const info = await requestJson(`${sandbox.url}/v23.0/${upload.id}`, { token: 'test-token' });
    const url = info.body.url as string;
    clock.advance(4 * 60_000);
    expect((await fetch(url, { headers: { authorization: 'Bearer test-token' } })).status).toBe(200);
    clock.advance(61_000);
    expect((await fetch(url, { headers: { authorization: 'Bearer test-token' } })).status).toBe(404);
    const fresh = await requestJson(`${sandbox.url}/v23.0/${upload.id}`, { token: 'test-token' });
    expect((await fetch(fresh.body.url as string, { headers: { authorization: 'Bearer test-token' } })).status).toBe(200);
  });

  it('refills the pair bucket at one message per 6 s after a burst', async () => {
    const send = (): Promise<number> => requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { token: 'test-token', body: { messaging_product: 'whatsapp', to: '16505550200', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } }).then((r) => r.status);
    const burst: number[] = [];
    for (let i = 0; i < 46; i++) burst.push(await send());
    expect(burst.filter((s) => s === 200)).toHaveLength(45);
    expect(burst[45]).toBe(400);
    clock.advance(6000);
    expect(await send()).toBe(200);
    expect(await send()).toBe(400);
  });
});

describe('throughput upgrade maintenance (opt-in)', () => {
  it('answers 131057 for the maintenance time after a number\'s mps is raised', async () => {
    const clock = new FakeClock();
    const sandbox = await startSandbox({ clock, settings: { upgradeMaintenanceMs: 60_000 } });
    try {
      const register = (mps: number): ReturnType<typeof requestJson> => requestJson(`${sandbox.url}/_sandbox/numbers`, { body: { ...testNumber(), mps } });
      const send = (): ReturnType<typeof requestJson> =>
        requestJson(`${sandbox.url}/v23.0/106540352242922/messages`, { token: 'test-token', body: { messaging_product: 'whatsapp', to: '16505550300', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } });
      await register(80);
      expect((await send()).status).toBe(200);
      await register(1000);
      const during = await send();
      expect(during.status).toBe(400);
      expect(during.body.error).toMatchObject({ code: 131057, message: '(#131057) Account in maintenance mode' });
      clock.advance(60_000);
      expect((await send()).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});
