import { ACCOUNT_EVENT_V1, AccountEventV1 } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { testConnection, waitFor } from '@wabridge/testing';
import { Harness, startGateway, uniqueDigits } from '../testing/gateway-harness';
import { RunningSandbox, startSandbox } from '../testing/sandbox';

describe('templates (Graph via the sandbox, mirrored locally)', () => {
  let h: Harness;
  let sandbox: RunningSandbox;
  let producer: EventProducer;
  const phoneNumberId = uniqueDigits('4');
  const wabaId = uniqueDigits('3');
  let tenant: { id: string; key: string };
  let other: { id: string; key: string };

  beforeAll(async () => {
    sandbox = await startSandbox([{ phoneNumberId, wabaId, accessToken: 'tpl-token' }]);
    h = await startGateway();
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'templates-test')), h.suffix);
    await producer.connect();
    const t = await h.admin('POST', '/admin/v1/tenants', { name: 'templates' });
    const o = await h.admin('POST', '/admin/v1/tenants', { name: 'other' });
    tenant = { id: t.body.id, key: t.body.apiKey.key };
    other = { id: o.body.id, key: o.body.apiKey.key };
    await h.admin('POST', '/admin/v1/apps', { appId: 'tplapp', appSecret: 's', verifyToken: 'v' });
    const n = await h.admin('POST', `/admin/v1/tenants/${tenant.id}/phone-numbers`, {
      phoneNumberId, displayPhoneNumber: '15550100000', wabaId, appId: 'tplapp', accessToken: 'tpl-token', graphBaseUrl: sandbox.url,
    });
    expect(n.status).toBe(201);
  });
  afterAll(async () => {
    await producer?.close();
    await h?.close();
    await sandbox?.close();
  });

  const templateEvent = (name: string, metaId: string, event: string) =>
    producer.send({
      topic: ACCOUNT_EVENT_V1.topic, key: wabaId,
      value: {
        eventId: `${metaId}-${event}`, field: 'message_template_status_update', kind: 'template_status', wabaId, appId: 'tplapp',
        templateId: metaId, templateName: name, templateLanguage: 'en_US', event,
        occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(),
        value: { event, message_template_id: Number(metaId), message_template_name: name, message_template_language: 'en_US', reason: 'NONE' },
      } satisfies AccountEventV1,
    });

  it('creates a template through Graph, keeps its status current from webhooks, and gates template sends on it', async () => {
    const created = await h.api(tenant.key, 'POST', '/v1/templates', {
      wabaId, name: 'order_ready', language: 'en_US', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Your order {{1}} is ready', example: { body_text: [['42']] } }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'order_ready', language: 'en_US', status: 'PENDING', wabaId, metaTemplateId: expect.any(String) });
    const send = (name: string) => h.api(tenant.key, 'POST', '/v1/messages', {
      phoneNumberId, to: '+14155550123', type: 'template',
      template: { name, language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }] },
    });
    const pending = await send('order_ready');
    expect(pending.status).toBe(400);
    expect(pending.body.error.message).toContain('PENDING');
    const unknown = await send('no_such_template');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('template.name');

    await templateEvent('order_ready', created.body.metaTemplateId, 'APPROVED');
    await waitFor(async () => (await h.api(tenant.key, 'GET', `/v1/templates/${created.body.id}`)).body.status === 'APPROVED', { what: 'APPROVED from the account event' });
    expect((await send('order_ready')).status).toBe(202);
  });

  it('lists what Graph has (refresh) and deletes through Graph', async () => {
    const made = await h.api(tenant.key, 'POST', '/v1/templates', { wabaId, name: 'to_delete', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi' }] });
    expect(made.status).toBe(201);
    const listed = await h.api(tenant.key, 'GET', `/v1/templates?wabaId=${wabaId}&refresh=true`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((t: any) => t.name)).toEqual(expect.arrayContaining(['order_ready', 'to_delete']));
    expect((await h.api(tenant.key, 'DELETE', `/v1/templates/${made.body.id}`)).status).toBe(204);
    expect((await h.api(tenant.key, 'GET', `/v1/templates/${made.body.id}`)).status).toBe(404);
    const graph = await fetch(`${sandbox.url}/v23.0/${wabaId}/message_templates`, { headers: { authorization: 'Bearer tpl-token' } }).then((r) => r.json() as Promise<any>);
    expect(graph.data.map((t: any) => t.name)).not.toContain('to_delete');
  });

  it('keeps the template\'s quality score from the quality webhook and refuses sends of a template Meta paused', async () => {
    const created = await h.api(tenant.key, 'POST', '/v1/templates', {
      wabaId, name: 'welcome_template', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Welcome' }],
    });
    expect(created.status).toBe(201);
    await templateEvent('welcome_template', created.body.metaTemplateId, 'APPROVED');
    await waitFor(async () => (await h.api(tenant.key, 'GET', `/v1/templates/${created.body.id}`)).body.status === 'APPROVED', { what: 'approved' });
    // the fixture body's change (template-quality--pywa-1.json) as ingress publishes it, for this WABA and template
    await producer.send({
      topic: ACCOUNT_EVENT_V1.topic, key: wabaId,
      value: {
        eventId: `${created.body.metaTemplateId}-quality`, field: 'message_template_quality_update', kind: 'template-quality', wabaId, appId: 'tplapp',
        templateId: created.body.metaTemplateId, templateName: 'welcome_template', templateLanguage: 'en_US',
        occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(),
        value: { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', message_template_id: Number(created.body.metaTemplateId), message_template_name: 'welcome_template', message_template_language: 'en_US' },
      } satisfies AccountEventV1,
    });
    await waitFor(async () => (await h.api(tenant.key, 'GET', `/v1/templates/${created.body.id}`)).body.qualityScore === 'YELLOW', { what: 'quality score from the webhook' });
    await templateEvent('welcome_template', created.body.metaTemplateId, 'PAUSED');
    await waitFor(async () => (await h.api(tenant.key, 'GET', `/v1/templates/${created.body.id}`)).body.status === 'PAUSED', { what: 'paused' });
    const refused = await h.api(tenant.key, 'POST', '/v1/messages', { phoneNumberId, to: '+14155550123', type: 'template', template: { name: 'welcome_template', language: { code: 'en_US' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('PAUSED');
  });

  it('takes a category change that names the template by name and language only', async () => {
    const created = await h.api(tenant.key, 'POST', '/v1/templates', {
      wabaId, name: 'renamed_category', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi' }],
    });
    expect(created.status).toBe(201);
    await producer.send({
      topic: ACCOUNT_EVENT_V1.topic, key: wabaId,
      value: {
        eventId: `${created.body.metaTemplateId}-category`, field: 'template_category_update', kind: 'template-category', wabaId, appId: 'tplapp',
        occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(),
        value: { message_template_name: 'renamed_category', message_template_language: 'en_US', previous_category: 'UTILITY', new_category: 'MARKETING' },
      } satisfies AccountEventV1,
    });
    await waitFor(async () => (await h.api(tenant.key, 'GET', `/v1/templates/${created.body.id}`)).body.category === 'MARKETING', { what: 'category from the webhook' });
  });

  it('hides templates from other tenants (404, empty list, no access to the WABA)', async () => {
    const mine = (await h.api(tenant.key, 'GET', '/v1/templates')).body.data;
    expect(mine.length).toBeGreaterThan(0);
    expect((await h.api(other.key, 'GET', '/v1/templates')).body.data).toEqual([]);
    expect((await h.api(other.key, 'GET', `/v1/templates/${mine[0].id}`)).status).toBe(404);
    expect((await h.api(other.key, 'DELETE', `/v1/templates/${mine[0].id}`)).status).toBe(404);
    expect((await h.api(other.key, 'POST', '/v1/templates', { wabaId, name: 'steal', language: 'en_US', category: 'UTILITY', components: [] })).status).toBe(404);
    expect((await h.api(other.key, 'GET', `/v1/templates?wabaId=${wabaId}&refresh=true`)).status).toBe(404);
  });
});
