import { join } from 'node:path';
import { SecretBox } from '@wabridge/config';
import { ACCOUNT_EVENT_V1 } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { testConnection, waitFor } from '@wabridge/testing';
import { ManualClock } from '@wabridge/time';
import { Harness, startGateway, uniqueDigits } from '../testing/gateway-harness';
import { RunningDispatcher, startDispatcher } from '../testing/dispatcher';
import { RunningSandbox, startSandbox } from '../testing/sandbox';
import { AccountStateRefresher } from './account-state.refresher';

// Ingress's pure normalizer, loaded by path (see test/sandbox.ts): the sandbox's signed webhooks
// become the AccountEventV1 events ingress publishes.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see test/sandbox.ts
const { normalizeWebhook } = require(join(__dirname, '..', '..', '..', 'ingress', 'src', 'normalizer', 'normalize')) as {
  normalizeWebhook(payload: unknown, appId: string, receivedAt: string): { topic: string; key: string; value: Record<string, unknown> }[];
};

describe('Meta account state end to end: sandbox decisions → webhooks → gateway registry → dispatcher limits', () => {
  const keys = SecretBox.generateKeySpec('sbx');
  const clock = new ManualClock(Date.now());
  const phoneNumberId = uniqueDigits('3');
  const wabaId = uniqueDigits('2');
  const token = `sbx-token-${phoneNumberId}`;
  let h: Harness;
  let dispatcher: RunningDispatcher;
  let sandbox: RunningSandbox;
  let producer: EventProducer;
  let tenant: { id: string; key: string };

  beforeAll(async () => {
    h = await startGateway({ ENCRYPTION_KEYS: keys }, { clock });
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'account-sandbox-test')), h.suffix);
    await producer.connect();
    sandbox = await startSandbox([{ phoneNumberId, wabaId, accessToken: token }], {
      settings: { webhookTickMs: 5, upgradeMaintenanceMs: 0 },
      clock, // Meta's webhook times and the gateway's Graph reads on one clock
      poster: async (_url: string, raw: Buffer): Promise<number> => {
        for (const e of normalizeWebhook(JSON.parse(raw.toString('utf8')), 'sbxapp', new Date().toISOString())) {
          if (e.topic === ACCOUNT_EVENT_V1.topic) await producer.send({ topic: e.topic, key: e.key, value: e.value });
        }
        return 200;
      },
    });
    dispatcher = await startDispatcher(h.suffix, keys);
    const t = await h.admin('POST', '/admin/v1/tenants', { name: 'sandbox-account' });
    tenant = { id: t.body.id, key: t.body.apiKey.key };
    await h.admin('POST', '/admin/v1/apps', { appId: 'sbxapp', appSecret: 's', verifyToken: 'v' });
    const n = await h.admin('POST', `/admin/v1/tenants/${tenant.id}/phone-numbers`, {
      phoneNumberId, displayPhoneNumber: '+1 555 010 0000', wabaId, appId: 'sbxapp', accessToken: token, graphBaseUrl: sandbox.url,
    });
    expect(n.status).toBe(201);
    await waitFor(async () => (await dispatcher.number(phoneNumberId)) !== undefined, { what: 'the dispatcher has the number' });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await producer?.close();
    await h?.close();
    await sandbox?.close();
  });

  const control = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/_sandbox/numbers/${phoneNumberId}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const view = async () => (await h.api(tenant.key, 'GET', `/v1/phone-numbers/${phoneNumberId}`)).body;
  const dispatcherAt = (what: string, check: (n: { mps: number; tier: string; status: string }) => boolean) =>
    waitFor(async () => { const n = await dispatcher.number(phoneNumberId); return n && check(n) ? n : undefined; }, { what, timeoutMs: 10000 });

  it('a quality drop with a tier raise, then Meta\'s throughput upgrade, reach the dispatcher\'s limiter without a restart', async () => {
    expect((await control('quality', { rating: 'RED', tier: 'TIER_10K' })).status).toBe(200);
    await waitFor(async () => (await view()).qualityRating === 'RED', { what: 'RED from the sandbox webhook' });
    expect(await view()).toMatchObject({ messagingTier: '10000', throughputMps: 80 });
    await dispatcherAt('tier 10000', (n) => n.tier === '10000');

    expect((await control('throughput', { mps: 1000 })).status).toBe(200);
    await dispatcherAt('1000 mps', (n) => n.mps === 1000);
    expect((await view()).throughputMps).toBe(1000);
  });

  it('coexistence, which Meta shows only in Graph, is found by the periodic refresh and caps the dispatcher at 20 mps', async () => {
    expect((await control('coexistence', { enabled: true })).status).toBe(200);
    clock.advance(7 * 3600_000);
    await h.gw.app.get(AccountStateRefresher).tick();
    expect(await view()).toMatchObject({ coexistence: true, throughputMps: 20 });
    await dispatcherAt('20 mps', (n) => n.mps === 20);
  });

  it('a rejected review blocks sends at accept and pauses the number; approval and verification decisions flow back', async () => {
    expect((await control('review', { decision: 'REJECTED' })).status).toBe(200);
    await waitFor(async () => (await view()).maySend === false, { what: 'review rejected' });
    const refused = await h.api(tenant.key, 'POST', '/v1/messages', { phoneNumberId, to: '+14155550123', type: 'text', text: { body: 'hi' } });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'number_not_allowed']);
    await dispatcherAt('paused', (n) => n.status === 'paused');

    expect((await control('account-update', { event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE', verification: 'REJECTED' })).status).toBe(200);
    expect((await control('name-status', { decision: 'APPROVED' })).status).toBe(200);
    expect((await control('review', { decision: 'APPROVED' })).status).toBe(200);
    await waitFor(async () => (await view()).maySend === true, { what: 'review approved' });
    await dispatcherAt('active', (n) => n.status === 'active');
    await waitFor(async () => (await h.api(tenant.key, 'GET', '/v1/business-profile')).body.businessVerificationStatus === 'rejected', { what: 'verification decision' });
    expect((await view()).nameStatus).toBe('APPROVED');
  });
});
