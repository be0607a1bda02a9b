import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { TopicCollector, waitFor } from '@wabridge/testing';
import { Harness, seedTenant, startGateway, TenantFixture } from '../testing/gateway-harness';

/**
 * A third-party Cloud API client (@kapso/whatsapp-cloud-api, typed, maintained) pointed at the
 * gateway by changing only its base URL and token.
 */
describe('third-party Cloud API client against the compatible route', () => {
  let h: Harness;
  let fx: TenantFixture;
  let bus: TopicCollector<any>;
  let client: WhatsAppClient;

  beforeAll(async () => {
    h = await startGateway();
    fx = await seedTenant(h);
    bus = await TopicCollector.start<any>(OUTBOUND_REQUESTED_V1, h.suffix);
    client = new WhatsAppClient({ accessToken: fx.key, baseUrl: h.url, graphVersion: 'v23.0' });
  });
  afterAll(async () => {
    await bus?.stop();
    await h?.close();
  });

  const producedFor = (id: string) => waitFor(() => bus.messages.find((m) => m.value.id === id), { what: `command ${id}` });

  it('sends a text message and gets our message id back', async () => {
    const res = await client.messages.sendText({ phoneNumberId: fx.phoneNumberId, to: '+14155550123', body: 'Hello from a Cloud API client' });
    const id = res.messages[0]!.id;
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    const cmd = await producedFor(id);
    expect(cmd.value).toMatchObject({ tenantId: fx.tenantId, to: '14155550123', type: 'text', message: { text: { body: 'Hello from a Cloud API client' } }, source: 'cloud-api' });
  });

  it('sends a template message with components', async () => {
    const res = await client.messages.sendTemplate({
      phoneNumberId: fx.phoneNumberId, to: '+14155550123',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-42' }] }] },
    });
    const cmd = await producedFor(res.messages[0]!.id);
    expect(cmd.value.message.template).toMatchObject({ name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-42' }] }] });
  });

  it('sends interactive reply-button and list messages', async () => {
    const buttons = await client.messages.sendInteractiveButtons({
      phoneNumberId: fx.phoneNumberId, to: '+14155550123', bodyText: 'Confirm?',
      buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }],
    });
    const b = await producedFor(buttons.messages[0]!.id);
    expect(b.value.message.interactive).toMatchObject({ type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] } });
    const list = await client.messages.sendInteractiveList({
      phoneNumberId: fx.phoneNumberId, to: '+14155550123', bodyText: 'Pick one', buttonText: 'Options',
      sections: [{ title: 'Sizes', rows: [{ id: 's', title: 'Small' }, { id: 'l', title: 'Large' }] }],
    });
    const l = await producedFor(list.messages[0]!.id);
    expect(l.value.message.interactive.type).toBe('list');
  });

  it('surfaces our errors as Graph errors the client understands', async () => {
    const bad = new WhatsAppClient({ accessToken: 'wrong', baseUrl: h.url, graphVersion: 'v23.0' });
    const err = await bad.messages.sendText({ phoneNumberId: fx.phoneNumberId, to: '+14155550123', body: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect((err as GraphApiError).code).toBe(190);
    const invalid = await client.messages.sendInteractiveButtons({
      phoneNumberId: fx.phoneNumberId, to: '+14155550123', bodyText: 'Too many',
      buttons: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: `B${i}` })),
    }).catch((e: unknown) => e);
    // the client may refuse it itself; if it reaches us, it is Meta's 100
    if (invalid instanceof GraphApiError) expect(invalid.code).toBe(100);
    else expect(invalid).toBeInstanceOf(Error);
  });
});
