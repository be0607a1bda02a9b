import { Client } from 'pg';
import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { TopicCollector, waitFor } from '@wabridge/testing';
import { Harness, startGateway, TenantFixture, TEST_DATABASE_URL } from '../testing/gateway-harness';
import { startOpenWindowContacts } from '../testing/contacts-window-stub';
import { RunningSandbox, startSandbox } from '../testing/sandbox';
import { IdempotencyKeyPruner } from './idempotency-key-pruner';
import { SendService } from './send.service';

const DAY = 86_400_000;

/** sendAt bounds, expiring Idempotency-Keys, and Cloud API fidelity (issue 11). */
describe('send bounds and Cloud API fidelity', () => {
  let h: Harness;
  let fx: TenantFixture;
  let sandbox: RunningSandbox;
  let bus: TopicCollector<any>;
  let pg: Client;
  let contacts: { url: string; close(): Promise<void> };
  const numberId = `5${Date.now()}`;

  beforeAll(async () => {
    sandbox = await startSandbox([{ phoneNumberId: numberId, wabaId: `6${Date.now()}`, accessToken: 'sandbox-token' }]);
    contacts = await startOpenWindowContacts();
    h = await startGateway({ IDEMPOTENCY_KEY_TTL_HOURS: '24', CONTACTS_URL: contacts.url });
    const t = await h.admin('POST', '/admin/v1/tenants', { name: 'bounds' });
    await h.admin('POST', '/admin/v1/apps', { appId: `boundsapp${numberId}`, appSecret: 's', verifyToken: 'v' });
    const n = await h.admin('POST', `/admin/v1/tenants/${t.body.id}/phone-numbers`, {
      phoneNumberId: numberId, displayPhoneNumber: '15550100000', wabaId: `6${Date.now()}`, appId: `boundsapp${numberId}`, accessToken: 'sandbox-token', graphBaseUrl: sandbox.url,
    });
    expect(n.status).toBe(201);
    fx = { tenantId: t.body.id, key: t.body.apiKey.key, phoneNumberId: numberId, wabaId: '', appId: '' };
    bus = await TopicCollector.start<any>(OUTBOUND_REQUESTED_V1, h.suffix);
    pg = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${h.schema}` });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await bus?.stop();
    await h?.close();
    await sandbox?.close();
    await contacts?.close();
  });

  const text = (over: Record<string, unknown> = {}) => ({ phoneNumberId: fx.phoneNumberId, to: '+14155550123', type: 'text', text: { body: 'hi' }, ...over });
  const commandOf = (id: string) => waitFor(() => bus.messages.find((m) => m.value.id === id), { what: `command ${id}` });

  describe('sendAt', () => {
    it.each([
      ['year 9999', '9999-12-31T23:59:59Z'],
      ['31 days ahead', () => new Date(Date.now() + 31 * DAY).toISOString()],
    ])('refuses %s with 400 naming sendAt and the limit', async (_what, at) => {
      const res = await h.api(fx.key, 'POST', '/v1/messages', text({ sendAt: typeof at === 'function' ? at() : at }));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toMatch(/^sendAt: sendAt must be at most 30 days ahead \(no later than \d{4}-/);
      expect(res.body.error.details).toEqual([{ field: 'sendAt', problems: [expect.stringContaining('30 days')] }]);
    });

    it('refuses a sendAt in the past with 400 naming sendAt', async () => {
      const res = await h.api(fx.key, 'POST', '/v1/messages', text({ sendAt: new Date(Date.now() - 5 * 60_000).toISOString() }));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'sendAt', problems: [expect.stringContaining('in the past')] }]);
    });

    it('accepts a sendAt 29 days ahead as scheduled, holding the command (with its sendAt) until then (ADR 0150)', async () => {
      const at = new Date(Date.now() + 29 * DAY).toISOString();
      const res = await h.api(fx.key, 'POST', '/v1/messages', text({ sendAt: at }));
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('scheduled');
      const held = await pg.query('SELECT state, command FROM scheduled_sends WHERE message_id = $1', [res.body.id]);
      expect(held.rows).toEqual([{ state: 'pending', command: expect.objectContaining({ id: res.body.id, sendAt: at }) }]);
      expect((await h.api(fx.key, 'GET', `/v1/messages/${res.body.id}`)).body).toMatchObject({ status: 'scheduled', sendAt: at });
    });

    it('carries a sendAt within the release lead straight to the dispatcher', async () => {
      const at = new Date(Date.now() + 500).toISOString();
      const res = await h.api(fx.key, 'POST', '/v1/messages', text({ sendAt: at }));
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('accepted');
      expect((await commandOf(res.body.id)).value.sendAt).toBe(at);
    });
  });

  describe('Idempotency-Key expiry', () => {
    it('replays within the TTL; after it the same key is a new request the dispatcher will not take for a duplicate', async () => {
      const key = `order-${Date.now()}`;
      // the first request 25 hours ago by the send's clock, its retry 1 hour later (only the
      // send's clock moves: the rate limiter keeps real time)
      const sends = h.gw.app.get(SendService) as unknown as { clock: { now(): number } };
      const realClock = sends.clock;
      let first: Awaited<ReturnType<Harness['api']>>;
      let again: Awaited<ReturnType<Harness['api']>>;
      try {
        sends.clock = { now: () => Date.now() - 25 * 3_600_000 };
        first = await h.api(fx.key, 'POST', '/v1/messages', text(), { 'idempotency-key': key });
        sends.clock = { now: () => Date.now() - 24 * 3_600_000 };
        again = await h.api(fx.key, 'POST', '/v1/messages', text(), { 'idempotency-key': key });
      } finally {
        sends.clock = realClock;
      }
      expect(first.status).toBe(202);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const later = await h.api(fx.key, 'POST', '/v1/messages', text({ text: { body: 'a new order, same key' } }), { 'idempotency-key': key });
      expect(later.status).toBe(202);
      expect(later.body.id).not.toBe(first.body.id);
      expect(later.headers.get('idempotent-replayed')).toBeNull();
      const [c1, c2] = [await commandOf(first.body.id), await commandOf(later.body.id)];
      expect(c1.value.idempotencyKey).toContain(key);
      expect(c2.value.idempotencyKey).toContain(key);
      expect(c2.value.idempotencyKey).not.toBe(c1.value.idempotencyKey);
      // the old message is still there, only its key is gone
      expect((await h.api(fx.key, 'GET', `/v1/messages/${first.body.id}`)).status).toBe(200);
    });

    it('prunes expired keys and keeps fresh ones', async () => {
      const old = await h.api(fx.key, 'POST', '/v1/messages', text(), { 'idempotency-key': `old-${Date.now()}` });
      const fresh = await h.api(fx.key, 'POST', '/v1/messages', text(), { 'idempotency-key': `fresh-${Date.now()}` });
      await pg.query(`UPDATE messages SET created_at = now() - interval '25 hours' WHERE id = $1`, [old.body.id]);
      expect(await h.gw.app.get(IdempotencyKeyPruner).prune()).toBeGreaterThanOrEqual(1);
      const keys = await pg.query<{ id: string; idempotency_key: string | null }>('SELECT id, idempotency_key FROM messages WHERE id = ANY($1)', [[old.body.id, fresh.body.id]]);
      const byId = Object.fromEntries(keys.rows.map((r) => [r.id, r.idempotency_key]));
      expect(byId[old.body.id]).toBeNull();
      expect(byId[fresh.body.id]).toMatch(/^fresh-/);
    });
  });

  describe('to: a possible number, as Meta checks it', () => {
    it.each(['447700900123', '15551234567', '+44 7700 900123', '+1 (555) 123-4567'])('accepts %s (possible, though libphonenumber does not call it valid)', async (to) => {
      const res = await h.api(fx.key, 'POST', '/v1/messages', text({ to }));
      expect(res.status).toBe(202);
      const digits = to.replace(/\D/g, '');
      expect((await commandOf(res.body.id)).value.to).toBe(digits);
      const cloud = await h.api(fx.key, 'POST', `/v23.0/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } });
      expect(cloud.status).toBe(200);
      expect(cloud.body.contacts).toEqual([{ input: to, wa_id: digits }]);
    });

    it.each([['too short', '+1 000'], ['no such country code', '+999123456789'], ['letters', '+1415555O123'], ['too long', '+4915112345678901234']])('refuses %s with 400 naming to', async (_why, to) => {
      const res = await h.api(fx.key, 'POST', '/v1/messages', text({ to }));
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('to');
    });
  });

  describe('the compatible route without a version segment', () => {
    it('sends through POST /{phone-number-id}/messages like the versioned route', async () => {
      const res = await h.api(fx.key, 'POST', `/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'no version' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '14155550123', wa_id: '14155550123' }], messages: [{ id: expect.stringMatching(/^[0-9A-Z]{26}$/), message_status: 'accepted' }] });
      expect((await commandOf(res.body.messages[0].id)).value).toMatchObject({ source: 'cloud-api', message: { text: { body: 'no version' } } });
    });

    it('answers Meta errors there too, and leaves POST /v1/messages to the native API', async () => {
      const bad = await h.api(fx.key, 'POST', `/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '14155550123', type: 'text' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe(100);
      const other = await h.api(fx.key, 'POST', '/12345/messages', { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'x' } });
      expect(other.status).toBe(400);
      expect(other.body.error.error_subcode).toBe(33);
      const native = await h.api(fx.key, 'POST', '/v1/messages', text());
      expect(native.status).toBe(202);
      expect(native.body.status).toBe('accepted');
    });
  });

  describe('our ids where Meta takes a wamid', () => {
    it('accepts our id as context.message_id and reaction.message_id (native and Cloud API) and passes it on for the dispatcher to map', async () => {
      const original = await h.api(fx.key, 'POST', '/v1/messages', text());
      const id = original.body.id as string;
      const reply = await h.api(fx.key, 'POST', '/v1/messages', text({ context: { message_id: id } }));
      expect(reply.status).toBe(202);
      expect((await commandOf(reply.body.id)).value.message.context).toEqual({ message_id: id });
      const reaction = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: '+14155550123', type: 'reaction', reaction: { message_id: id, emoji: '👍' } });
      expect(reaction.status).toBe(202);
      const cloud = await h.api(fx.key, 'POST', `/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '14155550123', type: 'reaction', reaction: { message_id: id, emoji: '👍' } });
      expect(cloud.status).toBe(200);
      const cloudReply = await h.api(fx.key, 'POST', `/v23.0/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: '14155550123', context: { message_id: id }, type: 'text', text: { body: 're' } });
      expect(cloudReply.status).toBe(200);
      expect((await commandOf(cloudReply.body.messages[0].id)).value.message.context).toEqual({ message_id: id });
    });

    it('marks read by our id: Graph gets the wamid (409 while there is none yet)', async () => {
      const sent = await h.api(fx.key, 'POST', '/v1/messages', text());
      const id = sent.body.id as string;
      const early = await h.api(fx.key, 'POST', `/v1/messages/${id}/read`, { phoneNumberId: fx.phoneNumberId });
      expect(early.status).toBe(409);
      const wamid = `wamid.HBgL${Date.now()}`;
      await pg.query('UPDATE messages SET wamid = $2 WHERE id = $1', [id, wamid]);
      expect((await h.api(fx.key, 'POST', `/v1/messages/${id}/read`, { phoneNumberId: fx.phoneNumberId })).status).toBe(200);
      expect((await h.api(fx.key, 'POST', `/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: id })).body).toEqual({ success: true });
      const calls = (await fetch(`${sandbox.url}/_sandbox/calls?phoneNumberId=${numberId}`).then((r) => r.json())) as { calls: { body: any }[] };
      const reads = calls.calls.filter((c) => c.body?.status === 'read').map((c) => c.body.message_id);
      expect(reads.filter((m) => m === wamid)).toHaveLength(2);
      expect(reads).not.toContain(id);
    });
  });
});
