import { WebhookReceiver } from '../testing/webhook-receiver';
import { defaultFixtureDir, inboundWebhook, InboundTarget, loadMessageFixtures, postInbound } from './inbound-load';
import { runAtRate } from './rate-driver';

describe('inbound load from the Meta webhook fixtures', () => {
  const receiver = new WebhookReceiver('lg-secret');
  let target: InboundTarget;

  beforeAll(async () => {
    target = { url: await receiver.start(), appSecret: 'lg-secret', phoneNumberId: '555', displayPhoneNumber: '15550005555', wabaId: 'waba-lg' };
  });

  afterAll(() => receiver.stop());

  it('posts signed fixture bodies re-addressed to the number, with unique ids, at the asked rate and count', async () => {
    const fixtures = loadMessageFixtures(defaultFixtureDir());
    expect(fixtures.length).toBeGreaterThan(20);
    const result = await runAtRate({ rate: 50, count: 30, durationMs: 10_000, maxInFlight: 30 }, (i) => postInbound(target, inboundWebhook(fixtures, target, 'run1', i, Date.now()), 5000));
    expect(result).toMatchObject({ started: 30, skipped: 0, outcomes: { '200': 30 } });
    expect(receiver.received).toHaveLength(30);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    const changes = receiver.received.flatMap((r) => r.body.entry.flatMap((e) => e.changes));
    expect(changes.every((c) => (c.value.metadata as { phone_number_id: string }).phone_number_id === '555')).toBe(true);
    const ids = [...receiver.messages(), ...receiver.statuses()].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => typeof id === 'string' && id.startsWith('wamid.LOADGEN.run1.'))).toBe(true);
  });

  it('stops at the duration even when the count is larger', async () => {
    const result = await runAtRate({ rate: 50, count: 1_000_000, durationMs: 200, maxInFlight: 4 }, async () => 200);
    expect(result.started).toBeLessThanOrEqual(11);
  });
});
