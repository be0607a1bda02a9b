import { Client } from 'pg';
import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { EventProducer } from '@wabridge/kafka';
import { officialSendExamples } from '@wabridge/meta';
import { TopicCollector, waitFor } from '@wabridge/testing';
import { Harness, seedTenant, startGateway, TenantFixture, TEST_DATABASE_URL } from '../testing/gateway-harness';

const TO = '+14155550123';

/** One good body per send type (the `<type>` objects are exactly Meta's). */
const GOOD: Record<string, Record<string, unknown>> = {
  text: { type: 'text', text: { body: 'Hello', preview_url: false } },
  'text reply': { type: 'text', text: { body: 'Re' }, context: { message_id: 'wamid.HBgLMTIzNDU2Nzg5MA==' } },
  // Meta ids go to Meta as sent; a `link` or our media id is first resolved by the media service
  // (apps/gateway/test/media-sends.int-spec.ts, ADR 0111), so none appears here.
  'image by id': { type: 'image', image: { id: '1234567890', caption: 'look' } },
  audio: { type: 'audio', audio: { id: '55' } },
  video: { type: 'video', video: { id: '4455', caption: 'v' } },
  document: { type: 'document', document: { id: '6677', filename: 'd.pdf' } },
  sticker: { type: 'sticker', sticker: { id: '77' } },
  template: {
    type: 'template',
    template: {
      name: 'order_update', language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { id: '4455667788' } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Ann' }] },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] },
      ],
    },
  },
  'interactive button': {
    type: 'interactive',
    interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }, { type: 'reply', reply: { id: 'b', title: 'B' } }] } },
  },
  'interactive list': {
    type: 'interactive',
    interactive: {
      type: 'list', header: { type: 'text', text: 'Menu' }, body: { text: 'Choose' }, footer: { text: 'f' },
      action: { button: 'Options', sections: [{ title: 'S1', rows: [{ id: 'r1', title: 'One', description: 'd' }] }, { title: 'S2', rows: [{ id: 'r2', title: 'Two' }] }] },
    },
  },
  'interactive cta_url': {
    type: 'interactive',
    interactive: { type: 'cta_url', body: { text: 'Visit' }, action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com' } } },
  },
  'interactive flow': {
    type: 'interactive',
    interactive: { type: 'flow', body: { text: 'Go' }, action: { name: 'flow', parameters: { flow_message_version: '3', flow_cta: 'Book', flow_id: '123', flow_token: 't', flow_action: 'navigate' } } },
  },
  location: { type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Berlin', address: 'Mitte' } },
  contacts: { type: 'contacts', contacts: [{ name: { formatted_name: 'Ann Lee', first_name: 'Ann' }, phones: [{ phone: '+14155550100', type: 'WORK' }] }] },
  reaction: { type: 'reaction', reaction: { message_id: 'wamid.HBgLMTIz', emoji: '👍' } },
};

/** Bad bodies and the field the 400 must name. */
const BAD: [string, Record<string, unknown>, string][] = [
  ['missing to and recipient', { type: 'text', text: { body: 'x' } }, 'to'],
  ['invalid phone number', { to: '+1 000', type: 'text', text: { body: 'x' } }, 'to'],
  ['malformed BSUID', { recipient: 'not-a-bsuid', type: 'text', text: { body: 'x' } }, 'recipient'],
  ['unknown type', { to: TO, type: 'fax', fax: {} }, 'type'],
  ['type object missing', { to: TO, type: 'image' }, 'image'],
  ['empty text', { to: TO, type: 'text', text: { body: '' } }, 'text.body'],
  ['text too long', { to: TO, type: 'text', text: { body: 'x'.repeat(4097) } }, 'text.body'],
  ['media with id and link', { to: TO, type: 'image', image: { id: '1', link: 'https://e.com/a.png' } }, 'image.link'],
  ['media without id or link', { to: TO, type: 'video', video: { caption: 'c' } }, 'video.id'],
  ['media link not a URL', { to: TO, type: 'document', document: { link: 'ftp://x' } }, 'document.link'],
  ['caption on audio', { to: TO, type: 'audio', audio: { id: '1', caption: 'no' } }, 'audio.caption'],
  ['template without language', { to: TO, type: 'template', template: { name: 'x' } }, 'template.language'],
  ['template button without index', { to: TO, type: 'template', template: { name: 'x', language: { code: 'en' }, components: [{ type: 'button', sub_type: 'url', parameters: [] }] } }, 'template.components[0].index'],
  ['four reply buttons', { to: TO, type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `i${i}`, title: 't' } })) } } }, 'interactive.action.buttons'],
  ['button title over 20', { to: TO, type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } }, 'interactive.action.buttons[0].reply.title'],
  ['duplicate button ids', { to: TO, type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }, { type: 'reply', reply: { id: 'a', title: 'B' } }] } } }, 'interactive.action.buttons[1].reply.id'],
  ['list with 11 rows', { to: TO, type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'B', sections: [{ title: 's', rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: 't' })) }] } } }, 'interactive.action.sections[0].rows'],
  ['interactive without body', { to: TO, type: 'interactive', interactive: { type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } }, 'interactive.body'],
  ['cta_url with bad url', { to: TO, type: 'interactive', interactive: { type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'javascript:alert(1)' } } } }, 'interactive.action.parameters.url'],
  ['flow without version', { to: TO, type: 'interactive', interactive: { type: 'flow', body: { text: 'b' }, action: { name: 'flow', parameters: { flow_cta: 'x', flow_id: '1' } } } }, 'interactive.action.parameters.flow_message_version'],
  ['latitude out of range', { to: TO, type: 'location', location: { latitude: 91, longitude: 0 } }, 'location.latitude'],
  ['contact without formatted_name', { to: TO, type: 'contacts', contacts: [{ name: { first_name: 'A' } }] }, 'contacts[0].name.formatted_name'],
  ['reaction with two emoji', { to: TO, type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍👍' } }, 'reaction.emoji'],
  ['reply without message_id', { to: TO, type: 'text', text: { body: 'x' }, context: {} }, 'context.message_id'],
  ['another type object beside the type', { to: TO, type: 'text', text: { body: 'x' }, image: { id: '1' } }, 'image'],
  ['unknown top-level field', { to: TO, type: 'text', text: { body: 'x' }, priority: 'high' }, 'priority'],
  ['metadata not strings', { to: TO, type: 'text', text: { body: 'x' }, metadata: { n: 1 } }, 'metadata'],
];

describe('send API (native and Cloud-API-compatible)', () => {
  let h: Harness;
  let bus: TopicCollector<any>;
  let fx: TenantFixture;
  const produced = (phoneNumberId = fx.phoneNumberId) => bus.messages.filter((m) => m.key === phoneNumberId);

  beforeAll(async () => {
    h = await startGateway();
    bus = await TopicCollector.start<any>(OUTBOUND_REQUESTED_V1, h.suffix);
    fx = await seedTenant(h);
  });
  afterAll(async () => {
    await bus?.stop();
    await h?.close();
  });

  it.each(Object.entries(GOOD))('accepts a %s message with 202 and produces it once, keyed by the phone number id', async (_name, body) => {
    const before = produced().length;
    const res = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: TO, ...body, metadata: { order: '42' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9A-Z]{26}$/), status: 'accepted' });
    const msgs = await waitFor(() => { const mine = produced().filter((m) => m.value.id === res.body.id); return mine.length ? mine : undefined; });
    expect(msgs).toHaveLength(1);
    const cmd = msgs[0]!;
    expect(cmd.headers['tenant-id']).toBe(fx.tenantId);
    expect(cmd.value).toMatchObject({
      id: res.body.id, tenantId: fx.tenantId, phoneNumberId: fx.phoneNumberId, to: '14155550123', type: body.type,
      message: { type: body.type, [body.type as string]: body[body.type as string] }, metadata: { order: '42' }, source: 'api',
    });
    expect(produced().length).toBe(before + 1);
  });

  it('sends to a business-scoped user id with `recipient`', async () => {
    const res = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } });
    expect(res.status).toBe(202);
    const [cmd] = await waitFor(() => { const m = produced().filter((x) => x.value.id === res.body.id); return m.length ? m : undefined; });
    expect(cmd!.value.recipient).toBe('US.13491208655302741918');
    expect(cmd!.value.to).toBeUndefined();
  });

  it.each(BAD)('answers 400 naming the field and produces nothing: %s', async (_name, body, field) => {
    const before = bus.messages.length;
    const res = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, ...body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain(field);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(bus.messages.length).toBe(before);
  });

  it('answers 404, produces nothing and reveals nothing when sending from another tenant\'s number', async () => {
    const other = await seedTenant(h);
    const res = await h.api(other.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: TO, type: 'text', text: { body: 'x' } });
    const unknown = await h.api(other.key, 'POST', '/v1/messages', { phoneNumberId: '123456789', to: TO, type: 'text', text: { body: 'x' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(unknown.body);
    await bus.settle(300);
    expect(produced().filter((m) => m.value.tenantId === other.tenantId)).toHaveLength(0);
  });

  it('answers the same message for a repeated Idempotency-Key and 409 for the same key with another body', async () => {
    const body = { phoneNumberId: fx.phoneNumberId, to: TO, type: 'text', text: { body: 'once' } };
    const first = await h.api(fx.key, 'POST', '/v1/messages', body, { 'idempotency-key': 'order-1' });
    // same body with keys in another order is the same request
    const again = await h.api(fx.key, 'POST', '/v1/messages', { text: { body: 'once' }, type: 'text', to: '14155550123', phoneNumberId: fx.phoneNumberId }, { 'idempotency-key': 'order-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const conflict = await h.api(fx.key, 'POST', '/v1/messages', { ...body, text: { body: 'twice' } }, { 'idempotency-key': 'order-1' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');
    // keys are per tenant: another tenant may use the same key
    const other = await seedTenant(h);
    const theirs = await h.api(other.key, 'POST', '/v1/messages', { ...body, phoneNumberId: other.phoneNumberId }, { 'idempotency-key': 'order-1' });
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(first.body.id);
    await bus.settle(500);
    expect(produced().filter((m) => m.value.idempotencyKey?.startsWith('order-1#'))).toHaveLength(1);
  });

  it('produces one outbound request for 20 concurrent identical requests with one Idempotency-Key', async () => {
    const body = { phoneNumberId: fx.phoneNumberId, to: TO, type: 'text', text: { body: 'race' } };
    const results = await Promise.all(Array.from({ length: 20 }, () => h.api(fx.key, 'POST', '/v1/messages', body, { 'idempotency-key': 'race-1' })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    await waitFor(() => produced().some((m) => m.value.idempotencyKey?.startsWith('race-1#')));
    await bus.settle(1000);
    expect(produced().filter((m) => m.value.idempotencyKey?.startsWith('race-1#'))).toHaveLength(1);
  });

  describe('Cloud-API-compatible route', () => {
    it('answers Meta\'s response shape with our message id', async () => {
      const res = await h.api(fx.key, 'POST', `/v23.0/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'individual', to: '14155550123', type: 'text', text: { body: 'hi' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '14155550123', wa_id: '14155550123' }], messages: [{ id: expect.stringMatching(/^[0-9A-Z]{26}$/), message_status: 'accepted' }] });
      const [cmd] = await waitFor(() => { const m = produced().filter((x) => x.value.id === res.body.messages[0].id); return m.length ? m : undefined; });
      expect(cmd!.value.source).toBe('cloud-api');
    });

    it('answers Meta\'s error shapes: 190 for a bad token, 100 for a bad body, 100/33 for a foreign number', async () => {
      const bad = await h.api('EAAGnotours', 'POST', `/v23.0/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: TO, text: { body: 'x' } });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ error: expect.objectContaining({ code: 190, type: 'OAuthException', message: expect.any(String), fbtrace_id: expect.any(String) }) });
      const invalid = await h.api(fx.key, 'POST', `/v23.0/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: TO, type: 'text', text: {} });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error).toMatchObject({ code: 100, error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('text.body') } });
      const other = await seedTenant(h);
      const foreign = await h.api(other.key, 'POST', `/v23.0/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: TO, text: { body: 'x' } });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    });

    it('accepts every valid official send example of Meta\'s spec (placeholders filled in) and produces each once', async () => {
      const examples = officialSendExamples();
      expect(examples.length).toBeGreaterThan(30);
      const ids: string[] = [];
      for (const ex of examples) {
        const body = ex.body;
        const res = await h.api(fx.key, 'POST', `/v23.0/${fx.phoneNumberId}/messages`, body);
        // A media `link` passes validation and then needs the media service (not running here):
        // 503 proves the body was accepted as valid (links are sent in test/media-sends.int-spec.ts).
        // a media link (the message's own, or a template header's) is fetched by the media service, which this test does not run
        if (/"link":"/.test(JSON.stringify(body)) && res.status === 503 && res.body.error?.error_data?.details?.includes('media service')) continue;
        if (res.status !== 200) throw new Error(`${ex.name}: ${res.status} ${JSON.stringify(res.body)}`);
        ids.push(res.body.messages[0].id);
      }
      await waitFor(() => ids.every((id) => produced().some((m) => m.value.id === id)), { what: 'every example produced' });
      for (const id of ids) expect(produced().filter((m) => m.value.id === id)).toHaveLength(1);
    });
  });

  it('answers 503 and accepts nothing when Kafka does not take the command', async () => {
    const own = await startGateway({ KAFKA_SEND_TIMEOUT_MS: '3000' });
    try {
      const t = await seedTenant(own);
      await own.gw.app.get(EventProducer).close();
      const res = await own.api(t.key, 'POST', '/v1/messages', { phoneNumberId: t.phoneNumberId, to: TO, type: 'text', text: { body: 'x' } }, { 'idempotency-key': 'k-503' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(res.headers.get('retry-after')).toBeTruthy();
      const pg = new Client({ connectionString: TEST_DATABASE_URL });
      await pg.connect();
      try {
        expect((await pg.query(`SELECT count(*)::int AS n FROM "${own.schema}".messages`)).rows[0].n).toBe(0);
      } finally {
        await pg.end();
      }
    } finally {
      await own.close();
    }
  });
});
