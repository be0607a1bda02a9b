import { OtlpReceiver, ServiceProcess, startOtlpReceiver, waitFor } from '@wabridge/testing';
import { call, Platform } from './platform-harness';

// How a business becomes a sender, end to end, with the sandbox as Meta: a new tenant runs
// embedded signup, its WABA and number are discovered and our app subscribed to the WABA's
// webhooks, the number is verified and registered, its first template is approved (the
// approval arrives as a webhook, so this also proves the subscription routes to our ingress)
// and its first message is delivered.
const APP = { appId: 'e2e-onboarding-app', appSecret: 'e2e-onboarding-secret-123456', verifyToken: 'e2e-onboarding-verify' };
const WABA = '309000000000001';
const NUMBER = { phoneNumberId: '119000000000001', displayPhoneNumber: '+1 555 000 7777', verifiedName: 'Acme Onboarding' };
const USER = '4915112340000';
const PIN = '482913';

describe('onboarding end to end (embedded signup → registration → first template → first message delivered)', () => {
  let platform: Platform;
  let gateway: ServiceProcess;
  let sandbox: ServiceProcess;
  let ingress: ServiceProcess;
  let otlp: OtlpReceiver;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    platform = new Platform({
      app: APP,
      sandboxAsGraph: true,
      // what an operator's collector would receive: the signup's secrets must not be in it
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
      serviceEnv: { sandbox: { TEMPLATE_REVIEW_DELAY_MS: '500', STATUS_READ_RATE: '0' } },
    });
    await platform.start();
    gateway = platform.get('gateway');
    sandbox = platform.get('sandbox');
    ingress = platform.get('ingress');
  }, 180000);

  afterAll(async () => {
    await platform?.stop();
    await otlp?.close();
  }, 120000);

  it('takes a new tenant from the signup code to a delivered first message', async () => {
    const started = Date.now();
    const admin = { authorization: `Bearer ${platform.adminToken}` };
    // The operator set up the platform's Meta app once; Meta's side knows its secret and webhook URL.
    expect((await call('POST', `${gateway.url}/admin/v1/apps`, APP, admin)).status).toBe(201);
    const callbackUrl = `${ingress.url}/webhooks/meta/${APP.appId}`;
    expect((await call('POST', `${sandbox.url}/_sandbox/apps`, { appId: APP.appId, appSecret: APP.appSecret, callbackUrl })).status).toBe(201);

    // 1. a new tenant
    const tenant = await call('POST', `${gateway.url}/admin/v1/tenants`, { name: `onboarding-${platform.suffix}` }, admin);
    expect(tenant.status).toBe(201);
    const auth = { authorization: `Bearer ${tenant.body.apiKey.key}` };

    // 2. the business finishes Meta's embedded-signup dialog; the page hands us the code
    const dialog = await call('POST', `${sandbox.url}/_sandbox/embedded-signup`, { appId: APP.appId, wabaId: WABA, numbers: [NUMBER] });
    expect(dialog.status).toBe(201);
    const signup = await call('POST', `${gateway.url}/v1/onboarding/embedded-signup`, { code: dialog.body.code }, auth);
    expect(signup.status).toBe(201);

    // 3. WABA and number discovered, pending registration
    expect(signup.body).toEqual({
      appId: APP.appId,
      wabas: [{ wabaId: WABA, subscribed: true, phoneNumbers: [{ ...NUMBER, registrationStatus: 'pending', status: 'paused' }] }],
    });
    // 4. webhooks subscribed: Meta now posts this number's webhooks to our ingress
    const numbers = await call('GET', `${sandbox.url}/_sandbox/numbers`);
    expect(numbers.body.numbers.find((n: { phoneNumberId: string }) => n.phoneNumberId === NUMBER.phoneNumberId)).toMatchObject({ wabaId: WABA, callbackUrl });

    // 5. code requested and verified, number registered with a two-step PIN
    const step = (action: string, body: unknown) => call('POST', `${gateway.url}/v1/phone-numbers/${NUMBER.phoneNumberId}/${action}`, body, auth);
    expect((await step('request-code', { codeMethod: 'SMS', language: 'en_US' })).body.registrationStatus).toBe('code_requested');
    const sms = await call('GET', `${sandbox.url}/_sandbox/numbers/${NUMBER.phoneNumberId}/verification-code`);
    expect(sms.body.code).toMatch(/^\d{6}$/);
    expect((await step('verify-code', { code: sms.body.code })).body.registrationStatus).toBe('code_verified');
    const registered = await step('register', { pin: PIN });
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual({ phoneNumberId: NUMBER.phoneNumberId, registrationStatus: 'registered', twoStepVerification: true, status: 'active' });

    // 6. first template, approved by Meta's review (the status webhook → ingress → gateway mirror)
    const template = await call('POST', `${gateway.url}/v1/templates`, {
      wabaId: WABA, name: 'welcome_first', language: 'en_US', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Welcome {{1}}, thanks for joining', example: { body_text: [['Anna']] } }],
    }, auth);
    expect(template.status).toBe(201);
    expect(template.body.status).toBe('PENDING');
    await waitFor(async () => (await call('GET', `${gateway.url}/v1/templates/${template.body.id}`, undefined, auth)).body?.status === 'APPROVED',
      { timeoutMs: 30000, what: 'the template approval webhook to reach the gateway' });

    // 7. first message, delivered (the status webhook reaches GET /v1/messages/:id)
    const sent = await call('POST', `${gateway.url}/v1/messages`, {
      phoneNumberId: NUMBER.phoneNumberId, to: `+${USER}`, type: 'template',
      template: { name: 'welcome_first', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Anna' }] }] },
    }, auth);
    expect(sent.status).toBe(202);
    const delivered = await waitFor(async () => {
      const r = await call('GET', `${gateway.url}/v1/messages/${sent.body.id}`, undefined, auth);
      return r.body?.status === 'delivered' ? r.body : undefined;
    }, { timeoutMs: 45000, what: 'the first message to be delivered' });
    expect(delivered).toMatchObject({ phoneNumberId: NUMBER.phoneNumberId, to: USER, type: 'template', wamid: expect.stringMatching(/^wamid\./) });
    expect(delivered.history.map((h: { status: string }) => h.status)).toEqual(expect.arrayContaining(['accepted', 'sent', 'delivered']));
    // Graph saw exactly this one send, with the business token the signup stored (never shown to the tenant)
    const calls = await call('GET', `${sandbox.url}/_sandbox/calls?phoneNumberId=${NUMBER.phoneNumberId}`);
    expect(calls.body.calls.filter((c: { httpStatus: number }) => c.httpStatus === 200)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(90000);

    // Traces: the gateway's Graph calls of the signup are traced (subscribed_apps), but no span
    // carries the app secret or the signup code (the exchange's URL holds both).
    await waitFor(() => otlp.spans.some((s) => s.service === 'gateway' && JSON.stringify(s.attributes ?? []).includes('subscribed_apps')),
      { timeoutMs: 15000, what: 'the gateway\'s subscribed_apps client span' });
    // Our services' spans (the sandbox is Meta's side: what it records is not ours to leak).
    const leaking = otlp.spans.filter((sp) => sp.service !== 'sandbox')
      .filter((sp) => { const j = JSON.stringify(sp); return j.includes(APP.appSecret) || j.includes(dialog.body.code as string); })
      .map((sp) => `${sp.service}: ${sp.name}`);
    expect(leaking).toEqual([]);
  }, 120000);
});
