import { FakeClock } from '../common/clock';
import { requestJson, RunningSandbox, startSandbox, testNumber, waitFor } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';

const SECRET = 'account-secret';
const PHONE = '300000000000777';
const WABA = '400000000000777';
const TOKEN = 'account-token';

/** Meta's account decisions simulated: state, limits the sandbox enforces, Graph reads and the signed webhooks. */
describe('sandbox account state controls', () => {
  const receiver = new WebhookReceiver(SECRET);
  const clock = new FakeClock(Date.UTC(2026, 11, 1));
  let sandbox: RunningSandbox;
  const control = (path: string, body: unknown) => requestJson(`${sandbox.url}/_sandbox/numbers/${PHONE}/${path}`, { body });
  const graph = (id: string, fields: string) => requestJson(`${sandbox.url}/v23.0/${id}?fields=${fields}`, { token: TOKEN });
  /** The account changes received, signature checked by the receiver, as [field, value]. */
  const changes = () => receiver.received.filter((r) => r.answeredWith === 200)
    .flatMap((r) => r.body.entry.flatMap((e) => e.changes.map((c) => [c.field, c.value] as const)))
    .filter(([field]) => field !== 'messages');

  beforeAll(async () => {
    const callbackUrl = await receiver.start();
    sandbox = await startSandbox({ clock, settings: { webhookTickMs: 5, upgradeMaintenanceMs: 60_000 }, numbers: [testNumber({ phoneNumberId: PHONE, wabaId: WABA, accessToken: TOKEN, appSecret: SECRET, callbackUrl, displayPhoneNumber: '+1 555-000-7777', mps: 80, tier: 'TIER_1K' })] });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  it('drops quality and raises the tier: Graph shows it and Meta-shaped quality webhooks go out', async () => {
    expect((await control('quality', { rating: 'RED', tier: 'TIER_10K' })).status).toBe(200);
    await waitFor(() => changes().length >= 2, 5000, 'quality webhooks');
    expect(changes()).toEqual([
      ['phone_number_quality_update', { display_phone_number: '15550007777', event: 'UPGRADE', current_limit: 'TIER_10K' }],
      ['phone_number_quality_update', { display_phone_number: '15550007777', event: 'FLAGGED', current_limit: 'TIER_10K' }],
    ]);
    expect((await graph(PHONE, 'quality_rating,messaging_limit_tier')).body).toEqual({ id: PHONE, quality_rating: 'RED', messaging_limit_tier: 'TIER_10K' });
    expect((await control('quality', { rating: 'PURPLE' })).status).toBe(400);
  });

  it('upgrades throughput to 1000 mps (131057 while it is under way), and coexistence caps the limiter at 20', async () => {
    receiver.reset();
    const up = await control('throughput', { mps: 1000 });
    expect(up.body).toMatchObject({ mps: 1000 });
    await waitFor(() => changes().length >= 1, 5000, 'throughput webhook');
    expect(changes()[0]).toEqual(['phone_number_quality_update', { display_phone_number: '15550007777', event: 'THROUGHPUT_UPGRADE', current_limit: 'TIER_10K' }]);
    const send = () => requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { token: TOKEN, body: { messaging_product: 'whatsapp', to: '4915100000001', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } });
    expect((await send()).body.error?.code).toBe(131057);
    clock.advance(60_001);
    expect((await send()).status).toBe(200);
    expect((await graph(PHONE, 'throughput,is_on_biz_app')).body).toEqual({ id: PHONE, throughput: { level: 'HIGH' }, is_on_biz_app: false });

    expect((await control('coexistence', { enabled: true })).body).toMatchObject({ mps: 20, number: { coexistence: true, grantedMps: 1000 } });
    expect((await graph(PHONE, 'throughput,is_on_biz_app')).body).toEqual({ id: PHONE, throughput: { level: 'HIGH' }, is_on_biz_app: true });
    // 20 sends within the same instant pass the limiter, the 21st is Meta's 130429
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 25; i++) codes.push((await requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { token: TOKEN, body: { messaging_product: 'whatsapp', to: `49151000${String(i).padStart(5, '0')}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } })).body.error?.code as number | undefined);
    expect(codes.filter((c) => c === 130429).length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === undefined).length).toBeLessThanOrEqual(20);
    expect((await control('coexistence', { enabled: false })).body).toMatchObject({ mps: 1000 });
  });

  it('sends name, review and account decisions and shows them on the WABA node', async () => {
    receiver.reset();
    await control('name-status', { decision: 'REJECTED' });
    await control('review', { decision: 'REJECTED' });
    await control('account-update', { event: 'ACCOUNT_RESTRICTION', restrictionType: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: '2026-12-02T00:00:00Z' });
    await control('account-update', { event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE', verification: 'REJECTED' });
    await waitFor(() => changes().length >= 4, 5000, 'account webhooks');
    expect(changes()).toEqual([
      ['phone_number_name_update', { display_phone_number: '15550007777', decision: 'REJECTED', requested_verified_name: 'Sandbox Business', rejection_reason: 'NAME_FORMAT_UNACCEPTABLE' }],
      ['account_review_update', { decision: 'REJECTED' }],
      ['account_update', { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: Date.UTC(2026, 11, 2) / 1000 }] }],
      ['account_update', { event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE', partner_client_certification_info: { client_business_id: WABA, status: 'REJECTED', rejection_reasons: ['LEGAL_NAME_NOT_MATCHING'] } }],
    ]);
    expect((await graph(PHONE, 'name_status')).body).toEqual({ id: PHONE, name_status: 'DECLINED' });
    expect((await graph(WABA, 'account_review_status,business_verification_status')).body).toEqual({ id: WABA, account_review_status: 'REJECTED', business_verification_status: 'REJECTED' });
    expect((await requestJson(`${sandbox.url}/v23.0/${WABA}?fields=account_review_status`, { token: 'wrong' })).body.error?.code).toBe(190);
    // Meta refuses the WABA's sends: locked while the review is rejected, blocked while restricted, then free again
    const send = () => requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { token: TOKEN, body: { messaging_product: 'whatsapp', to: '4915100099999', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } });
    expect((await send()).body.error?.code).toBe(131031);
    await control('review', { decision: 'APPROVED' });
    expect((await send()).body.error?.code).toBe(368);
    clock.advance(24 * 3600_000);
    expect((await send()).status).toBe(200);
    expect((await requestJson(`${sandbox.url}/_sandbox/numbers/999/review`, { body: { decision: 'APPROVED' } })).status).toBe(404);
  });
});
