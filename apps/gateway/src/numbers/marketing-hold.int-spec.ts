import { join } from 'node:path';
import { ulid } from 'ulid';
import { SecretBox } from '@wabridge/config';
import { ACCOUNT_EVENT_V1, AccountEventV1, OUTBOUND_REQUESTED_V1, OutboundRequestedV1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { testConnection, waitFor } from '@wabridge/testing';
import { Harness, startGateway, uniqueDigits } from '../testing/gateway-harness';
import { RunningDispatcher, startDispatcher } from '../testing/dispatcher';
import { RunningSandbox, startSandbox } from '../testing/sandbox';

// Ingress's pure normalizer (an app, loaded by path like the sandbox): the sandbox's status
// webhooks become the StatusUpdatedV1 events ingress would publish.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see test/sandbox.ts
const { normalizeWebhook } = require(join(__dirname, '..', '..', '..', 'ingress', 'src', 'normalizer', 'normalize')) as {
  normalizeWebhook(payload: unknown, appId: string, receivedAt: string): { topic: string; key: string; value: Record<string, unknown> }[];
};

interface SandboxCall { phoneNumberId: string; to: string; body: { template?: { name?: string } } }

describe('per-user marketing limit (Meta 131049): a 24 h hold in the dispatcher', () => {
  const keys = SecretBox.generateKeySpec('mkt');
  const phoneNumberId = uniqueDigits('5');
  const wabaId = uniqueDigits('4');
  const token = `mkt-token-${phoneNumberId}`;
  let h: Harness;
  let dispatcher: RunningDispatcher;
  let sandbox: RunningSandbox;
  let producer: EventProducer;
  let tenant: { id: string; key: string };

  beforeAll(async () => {
    h = await startGateway({ ENCRYPTION_KEYS: keys });
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'marketing-hold-test')), h.suffix);
    await producer.connect();
    sandbox = await startSandbox([{ phoneNumberId, wabaId, accessToken: token }], {
      settings: { marketingPerUserLimit: 1, templateReviewDelayMs: 0 },
      // what ingress does with the sandbox's signed status webhooks
      poster: async (_url: string, raw: Buffer): Promise<number> => {
        for (const e of normalizeWebhook(JSON.parse(raw.toString('utf8')), 'mktapp', new Date().toISOString())) {
          if (e.topic === STATUS_UPDATED_V1.topic) await producer.send({ topic: e.topic, key: e.key, value: { ...e.value, tenantId: tenant.id } });
        }
        return 200;
      },
    });
    dispatcher = await startDispatcher(h.suffix, keys);
    const t = await h.admin('POST', '/admin/v1/tenants', { name: 'marketing' });
    tenant = { id: t.body.id, key: t.body.apiKey.key };
    await h.admin('POST', '/admin/v1/apps', { appId: 'mktapp', appSecret: 's', verifyToken: 'v' });
    const n = await h.admin('POST', `/admin/v1/tenants/${tenant.id}/phone-numbers`, {
      phoneNumberId, displayPhoneNumber: '15550100000', wabaId, appId: 'mktapp', accessToken: token, graphBaseUrl: sandbox.url, tier: 'unlimited',
    });
    expect(n.status).toBe(201);
    for (const [name, category] of [['spring_sale', 'MARKETING'], ['order_shipped', 'UTILITY']] as const) {
      const created = await h.api(tenant.key, 'POST', '/v1/templates', { wabaId, name, language: 'en_US', category, components: [{ type: 'BODY', text: `${name} body` }] });
      expect(created.status).toBe(201);
      const event: AccountEventV1 = {
        eventId: `${name}-approved`, field: 'message_template_status_update', kind: 'template-status', wabaId, appId: 'mktapp',
        templateId: created.body.metaTemplateId, templateName: name, templateLanguage: 'en_US', event: 'APPROVED',
        occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(),
        value: { event: 'APPROVED', message_template_id: Number(created.body.metaTemplateId), message_template_name: name, message_template_language: 'en_US' },
      };
      await producer.send({ topic: ACCOUNT_EVENT_V1.topic, key: wabaId, value: event });
      await waitFor(async () => (await h.api(tenant.key, 'GET', `/v1/templates/${created.body.id}`)).body.status === 'APPROVED', { what: `${name} approved` });
    }
    await waitFor(async () => (await dispatcher.number(phoneNumberId)) !== undefined, { what: 'the dispatcher has the number' });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await producer?.close();
    await h?.close();
    await sandbox?.close();
  });

  const send = async (name: string): Promise<string> => {
    const r = await h.api(tenant.key, 'POST', '/v1/messages', { phoneNumberId, to: '+14155550123', type: 'template', template: { name, language: { code: 'en_US' } } });
    expect(r.status).toBe(202);
    return r.body.id as string;
  };
  const message = async (id: string) => (await h.api(tenant.key, 'GET', `/v1/messages/${id}`)).body;
  const calls = async (): Promise<SandboxCall[]> => ((await (await fetch(`${sandbox.url}/_sandbox/calls?phoneNumberId=${phoneNumberId}`)).json()) as { calls: SandboxCall[] }).calls;
  const settled = (id: string, status: string) => waitFor(async () => { const m = await message(id); return m.status === status ? m : undefined; }, { what: `${id} ${status}`, timeoutMs: 30000 });

  it('fails further marketing templates to the user without a Graph call after Meta said 131049; utility templates still go', async () => {
    const first = await send('spring_sale');
    await settled(first, 'delivered');
    const second = await send('spring_sale'); // Meta accepts it, then fails it with 131049 (webhook)
    const failed = await settled(second, 'failed');
    expect(failed.error).toMatchObject({ class: 'quality', code: 131049 });
    expect((await calls()).length).toBe(2);

    const third = await send('spring_sale');
    const held = await settled(third, 'failed');
    expect(held.error).toMatchObject({ class: 'quality', code: 131049 });
    expect(held.error.message).toContain('held until');
    expect((await calls()).length).toBe(2); // no Graph call for the held one

    // a campaign's command (produced directly, no templateCategory): held too — the template drew 131049
    const campaignId = ulid();
    await producer.send({
      topic: OUTBOUND_REQUESTED_V1.topic, key: phoneNumberId, headers: { 'tenant-id': tenant.id },
      value: {
        id: campaignId, tenantId: tenant.id, phoneNumberId, to: '14155550123', type: 'template', source: 'campaign', requestedAt: new Date().toISOString(),
        message: { type: 'template', template: { name: 'spring_sale', language: { code: 'en_US' } } },
      } satisfies OutboundRequestedV1,
    });
    const fromCampaign = await settled(campaignId, 'failed');
    expect(fromCampaign.error).toMatchObject({ class: 'quality', code: 131049 });
    expect((await calls()).length).toBe(2);

    const utility = await send('order_shipped');
    await settled(utility, 'delivered');
    const seen = await calls();
    expect(seen.length).toBe(3);
    expect(seen[2]?.body.template?.name).toBe('order_shipped');
  });
});
