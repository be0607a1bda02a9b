import { ManualClock } from '@wabridge/time';
import { dbAad } from '../accounts/registry.publisher';
import { Harness, startGateway, uniqueDigits } from '../testing/gateway-harness';
import { RunningSandbox, startSandbox } from '../testing/sandbox';

/**
 * Embedded signup and number registration against the sandbox (real Postgres and Kafka), the
 * sandbox on a ManualClock so codes expire without waiting.
 */
describe('onboarding: embedded signup and number registration', () => {
  const clock = new ManualClock(Date.now());
  const app = { appId: `obapp${uniqueDigits()}`, appSecret: 'onboarding-app-secret', verifyToken: 'v' };
  const wabaId = uniqueDigits('7');
  const main = uniqueDigits('6');
  const second = uniqueDigits('5');
  let sandbox: RunningSandbox;
  let h: Harness;
  let tenant: { id: string; key: string };
  let other: { id: string; key: string };
  let signupAnswer: { status: number; body: any };
  const answers: string[] = [];

  const sb = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** A tenant call whose answer is kept, to prove no answer ever carries the business token. */
  const api = async (key: string, method: string, path: string, body?: unknown) => {
    const r = await h.api(key, method, path, body);
    answers.push(JSON.stringify(r.body ?? ''));
    return r;
  };
  const step = (key: string, number: string, action: string, body: unknown) => api(key, 'POST', `/v1/phone-numbers/${number}/${action}`, body);
  const sentCode = async (number: string) => (await sb('GET', `/_sandbox/numbers/${number}/verification-code`)).body.code as string;

  beforeAll(async () => {
    sandbox = await startSandbox([], { clock });
    h = await startGateway({ DEFAULT_GRAPH_BASE_URL: sandbox.url, REGISTRATION_RATE_LIMIT_PER_MINUTE: '12' }, { clock: new ManualClock(Date.now()) });
    const t = await h.admin('POST', '/admin/v1/tenants', { name: 'onboarding' });
    const o = await h.admin('POST', '/admin/v1/tenants', { name: 'onboarding-other' });
    tenant = { id: t.body.id, key: t.body.apiKey.key };
    other = { id: o.body.id, key: o.body.apiKey.key };
    expect((await h.admin('POST', '/admin/v1/apps', app)).status).toBe(201);
    expect((await sb('POST', '/_sandbox/apps', { appId: app.appId, appSecret: app.appSecret, callbackUrl: 'http://127.0.0.1:9/webhooks/meta/x' })).status).toBe(201);
    const signup = await sb('POST', '/_sandbox/embedded-signup', {
      appId: app.appId, wabaId, numbers: [{ phoneNumberId: main, displayPhoneNumber: '+1 555 0101', verifiedName: 'Acme' }, { phoneNumberId: second, displayPhoneNumber: '+1 555 0102' }],
    });
    expect(signup.status).toBe(201);
    signupAnswer = await api(tenant.key, 'POST', '/v1/onboarding/embedded-signup', { code: signup.body.code, appId: app.appId });
    (signupAnswer as { code?: string }).code = signup.body.code;
  }, 60000);
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  /** The business token as the gateway sealed it (read from its table, opened with its key). */
  const businessToken = async (): Promise<string> => {
    const rows = await h.gw.db.query(`SELECT access_token FROM "${h.schema}".phone_numbers WHERE phone_number_id = $1`, [main]);
    return h.box.open(rows[0].access_token, dbAad.accessToken(main));
  };

  it('exchanges the code, discovers the WABA and its numbers pending, subscribes our app, and answers the same on retry', async () => {
    expect(signupAnswer.status).toBe(201);
    expect(signupAnswer.body).toEqual({
      appId: app.appId,
      wabas: [{
        wabaId, subscribed: true,
        phoneNumbers: [
          { phoneNumberId: main, displayPhoneNumber: '+1 555 0101', verifiedName: 'Acme', registrationStatus: 'pending', status: 'paused' },
          { phoneNumberId: second, displayPhoneNumber: '+1 555 0102', verifiedName: 'Sandbox Business', registrationStatus: 'pending', status: 'paused' },
        ],
      }],
    });
    const token = await businessToken();
    const subscribed = await sb('GET', `/v23.0/${wabaId}/subscribed_apps`, undefined, token);
    expect(subscribed.body.data).toEqual([expect.objectContaining({ whatsapp_business_api_data: expect.objectContaining({ id: app.appId }) })]);
    const numbers = await sb('GET', '/_sandbox/numbers');
    expect(numbers.body.numbers.find((n: { phoneNumberId: string }) => n.phoneNumberId === main).callbackUrl).toBe('http://127.0.0.1:9/webhooks/meta/x');

    const retry = await api(tenant.key, 'POST', '/v1/onboarding/embedded-signup', { code: (signupAnswer as { code?: string }).code, appId: app.appId });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(signupAnswer.body);
    const stolen = await api(other.key, 'POST', '/v1/onboarding/embedded-signup', { code: (signupAnswer as { code?: string }).code, appId: app.appId });
    expect(stolen.status).toBe(409);
  });

  it('refuses another tenant a WABA already onboarded (409), and another tenant\'s number is a 404 on every step', async () => {
    const again = await sb('POST', '/_sandbox/embedded-signup', { appId: app.appId, wabaId, numbers: [{ phoneNumberId: main, displayPhoneNumber: '+1 555 0101' }] });
    const conflict = await api(other.key, 'POST', '/v1/onboarding/embedded-signup', { code: again.body.code, appId: app.appId });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.details).toEqual({ wabaIds: [wabaId], phoneNumberIds: expect.arrayContaining([main, second]) });
    for (const [action, body] of [['request-code', { codeMethod: 'SMS', language: 'en_US' }], ['verify-code', { code: '123456' }], ['register', { pin: '123456' }], ['two-step-verification', { pin: '123456' }]] as const) {
      const r = await step(other.key, main, action, body);
      expect([action, r.status, r.body.error.code]).toEqual([action, 404, 'not_found']);
    }
  });

  it('does not accept sends from a number until it is registered (native 409, Cloud API route Meta\'s 133010)', async () => {
    const send = await api(tenant.key, 'POST', '/v1/messages', { phoneNumberId: main, to: '+14155550123', type: 'text', text: { body: 'too early' } });
    expect(send.status).toBe(409);
    expect(send.body.error).toMatchObject({ code: 'number_not_registered', details: { registrationStatus: 'pending' } });
    const cloud = await api(tenant.key, 'POST', `/v23.0/${main}/messages`, { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'too early' } });
    expect(cloud.status).toBe(400);
    expect(cloud.body.error.code).toBe(133010);
  });

  it('registers a number: register before verification is refused, a wrong code is refused, the right one verifies, register activates it', async () => {
    const early = await step(tenant.key, main, 'register', { pin: '246810' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('verification_required');

    const requested = await step(tenant.key, main, 'request-code', { codeMethod: 'SMS', language: 'en_US' });
    expect(requested.body).toEqual({ phoneNumberId: main, registrationStatus: 'code_requested', twoStepVerification: false, status: 'paused' });
    const code = await sentCode(main);
    const wrong = await step(tenant.key, main, 'verify-code', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'verification_code_invalid', details: { metaCode: 136025 } });

    const verified = await step(tenant.key, main, 'verify-code', { code });
    expect(verified.status).toBe(200);
    expect(verified.body.registrationStatus).toBe('code_verified');
    const registered = await step(tenant.key, main, 'register', { pin: '246810' });
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual({ phoneNumberId: main, registrationStatus: 'registered', twoStepVerification: true, status: 'active' });

    const listed = await h.admin('GET', `/admin/v1/tenants/${tenant.id}/phone-numbers`);
    expect(listed.body.data.find((n: { phoneNumberId: string }) => n.phoneNumberId === main)).toMatchObject({ status: 'active' });
    const send = await api(tenant.key, 'POST', '/v1/messages', { phoneNumberId: main, to: '+14155550123', type: 'text', text: { body: 'hello' } });
    expect(send.status).toBe(202);
  });

  it('requires the two-step PIN to register again once it is set', async () => {
    expect((await step(tenant.key, main, 'two-step-verification', { pin: '135790' })).body.twoStepVerification).toBe(true);
    // Meta's side: the number is deregistered (e.g. moved), so the business registers it again.
    expect((await sb('POST', `/v23.0/${main}/deregister`, {}, await businessToken())).status).toBe(200);
    expect((await step(tenant.key, main, 'request-code', { codeMethod: 'VOICE', language: 'en_US' })).status).toBe(200);
    expect((await step(tenant.key, main, 'verify-code', { code: await sentCode(main) })).status).toBe(200);
    const wrongPin = await step(tenant.key, main, 'register', { pin: '246810' });
    expect(wrongPin.status).toBe(400);
    expect(wrongPin.body.error.code).toBe('two_step_pin_mismatch');
    const rightPin = await step(tenant.key, main, 'register', { pin: '135790' });
    expect(rightPin.status).toBe(200);
    expect(rightPin.body.registrationStatus).toBe('registered');
  });

  it('refuses an expired code, then rate-limits registration steps per number (429)', async () => {
    expect((await step(tenant.key, second, 'request-code', { codeMethod: 'SMS', language: 'en_US' })).status).toBe(200);
    const code = await sentCode(second);
    clock.advance(11 * 60_000);
    const expired = await step(tenant.key, second, 'verify-code', { code });
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe('verification_code_expired');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await step(tenant.key, second, 'verify-code', { code })).status);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('never shows the business token in an answer and keeps it sealed at rest', async () => {
    const token = await businessToken();
    expect(token).toMatch(/^EAAB/);
    expect(answers.length).toBeGreaterThanOrEqual(20);
    for (const a of answers) expect(a).not.toContain(token);
    const raw = await h.gw.db.query(`SELECT access_token::text AS t FROM "${h.schema}".phone_numbers WHERE phone_number_id = $1
      UNION ALL SELECT business_token::text FROM "${h.schema}".embedded_signups`, [main]);
    expect(raw.length).toBe(2);
    for (const r of raw) expect(r.t).not.toContain(token);
  });
});
