import { FakeClock } from '../common/clock';
import { requestJson, RunningSandbox, startSandbox, waitFor } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';

const APP = { appId: 'signup-app', appSecret: 'signup-secret' };
const WABA = '400000000000001';
const PHONE = '300000000000001';

/** Embedded signup and registration through the real HTTP app, codes expiring on a fake clock. */
describe('sandbox embedded signup and number registration', () => {
  const receiver = new WebhookReceiver(APP.appSecret);
  const clock = new FakeClock(Date.UTC(2026, 11, 1));
  let sandbox: RunningSandbox;
  let token: string;

  beforeAll(async () => {
    const callbackUrl = await receiver.start();
    sandbox = await startSandbox({ clock, settings: { webhookTickMs: 5 } });
    expect((await requestJson(`${sandbox.url}/_sandbox/apps`, { body: { ...APP, callbackUrl } })).status).toBe(201);
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  const graph = (path: string, body?: unknown, method?: string) => requestJson(`${sandbox.url}/v23.0/${path}`, { token, ...(body !== undefined ? { body } : {}), ...(method ? { method } : {}) });
  const code = async () => (await requestJson(`${sandbox.url}/_sandbox/numbers/${PHONE}/verification-code`)).body.code as string;
  const inbound = (text: string) => requestJson(`${sandbox.url}/_sandbox/inbound`, { body: { phoneNumberId: PHONE, from: '4915100000001', message: { type: 'text', text: { body: text } } } });

  it('exchanges a signup code once, with the app\'s secret, for a token that names the shared WABA', async () => {
    const dialog = await requestJson(`${sandbox.url}/_sandbox/embedded-signup`, { body: { appId: APP.appId, wabaId: WABA, numbers: [{ phoneNumberId: PHONE, displayPhoneNumber: '+1 555 000 3001' }] } });
    expect(dialog.status).toBe(201);
    const exchange = (secret: string) => requestJson(`${sandbox.url}/v23.0/oauth/access_token?client_id=${APP.appId}&client_secret=${secret}&code=${encodeURIComponent(dialog.body.code as string)}`);
    const wrongSecret = await exchange('nope');
    expect([wrongSecret.status, wrongSecret.body.error?.code]).toEqual([400, 1]);
    const ok = await exchange(APP.appSecret);
    expect(ok.status).toBe(200);
    token = ok.body.access_token as string;
    const again = await exchange(APP.appSecret);
    expect([again.status, again.body.error?.code]).toEqual([400, 100]);

    const debug = await requestJson(`${sandbox.url}/v23.0/debug_token?input_token=${token}`);
    expect(debug.body.data).toMatchObject({ is_valid: true, app_id: APP.appId, granular_scopes: expect.arrayContaining([{ scope: 'whatsapp_business_management', target_ids: [WABA] }]) });
    const listed = await graph(`${WABA}/phone_numbers`);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: PHONE, status: 'PENDING', code_verification_status: 'NOT_VERIFIED', platform_type: 'NOT_APPLICABLE' })]);
  });

  it('posts the WABA\'s webhooks to the app only after it subscribed', async () => {
    expect((await inbound('before subscribing')).status).toBe(202);
    expect((await graph(`${WABA}/subscribed_apps`, {})).body).toEqual({ success: true });
    expect((await graph(`${WABA}/subscribed_apps`)).body.data).toEqual([expect.objectContaining({ whatsapp_business_api_data: expect.objectContaining({ id: APP.appId }) })]);
    expect((await inbound('after subscribing')).status).toBe(202);
    await waitFor(() => receiver.messages().length >= 1, 5000, 'the webhook after subscribing');
    expect(receiver.messages().map((m) => (m.text as { body: string }).body)).toEqual(['after subscribing']);
  });

  it('refuses sends until the number is verified and registered; codes are checked, expire, and the PIN guards re-registration', async () => {
    const send = () => graph(`${PHONE}/messages`, { messaging_product: 'whatsapp', to: '4915100000001', type: 'text', text: { body: 'hi' } });
    expect((await send()).body.error?.code).toBe(133010);
    expect((await graph(`${PHONE}/register`, { messaging_product: 'whatsapp', pin: '123456' })).body.error?.code).toBe(133006);
    expect((await graph(`${PHONE}/request_code`, { code_method: 'FAX', language: 'en_US' })).body.error?.code).toBe(100);

    expect((await graph(`${PHONE}/request_code`, { code_method: 'SMS', language: 'en_US' })).body).toEqual({ success: true });
    const first = await code();
    expect(first).toMatch(/^\d{6}$/);
    clock.advance(10 * 60_000);
    const expired = await graph(`${PHONE}/verify_code`, { code: first });
    expect([expired.body.error?.code, expired.body.error?.error_data]).toEqual([136025, { messaging_product: 'whatsapp', details: expect.stringContaining('expired') }]);

    expect((await graph(`${PHONE}/request_code`, { code_method: 'VOICE', language: 'en_US' })).status).toBe(200);
    const second = await code();
    expect((await graph(`${PHONE}/verify_code`, { code: second === '000000' ? '000001' : '000000' })).body.error?.code).toBe(136025);
    expect((await graph(`${PHONE}/verify_code`, { code: second })).body).toEqual({ success: true });
    expect((await graph(`${PHONE}/register`, { messaging_product: 'whatsapp', pin: '123456' })).body).toEqual({ success: true });
    expect((await graph(`${PHONE}?fields=status,code_verification_status,is_pin_enabled`)).body).toEqual({ id: PHONE, status: 'CONNECTED', code_verification_status: 'VERIFIED', is_pin_enabled: true });
    expect((await send()).status).toBe(200);

    expect((await graph(`${PHONE}/deregister`, {})).body).toEqual({ success: true });
    expect((await graph(`${PHONE}/register`, { messaging_product: 'whatsapp', pin: '654321' })).body.error?.code).toBe(133005);
    expect((await graph(`${PHONE}/register`, { messaging_product: 'whatsapp', pin: '123456' })).body).toEqual({ success: true });
  });

  it('answers Meta\'s errors for unknown tokens and WABAs', async () => {
    expect((await requestJson(`${sandbox.url}/v23.0/${WABA}/phone_numbers`, { token: 'not-a-token' })).body.error?.code).toBe(190);
    expect((await graph('499999999999999/subscribed_apps', {})).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await requestJson(`${sandbox.url}/v23.0/debug_token?input_token=nope`)).body.data).toMatchObject({ is_valid: false });
  });
});
