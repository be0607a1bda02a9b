import { Client } from 'pg';
import { SecretBox } from '@wabridge/config';
import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { freshTestSchema } from '@wabridge/database';
import { randomSuffix, TEST_BROKERS, TopicCollector, waitFor } from '@wabridge/testing';
import { createGatewayApp, GatewayApp } from '../app.factory';
import { startOpenWindowContacts } from '../testing/contacts-window-stub';
import { ADMIN_TOKEN, INTERNAL_TOKEN, TEST_DATABASE_URL, uniqueDigits } from '../testing/gateway-harness';

/**
 * Scheduled sends (issue 20, ADR 0150) on the real broker and database: held until due, then on
 * the dispatcher's topic ahead of their time (with `sendAt`, for the dispatcher's exact wait);
 * cancel and release race for the same row and exactly one wins; a gateway restart loses none.
 */
describe('scheduled sends', () => {
  const suffix = randomSuffix('sched');
  let schema: { schema: string; drop(): Promise<void> };
  let env: Record<string, string>;
  let gw: GatewayApp;
  let bus: TopicCollector<{ id: string; sendAt?: string }>;
  let pg: Client;
  let key: string;
  let otherKey: string;
  let phoneNumberId: string;
  let contacts: { url: string; close(): Promise<void> };

  async function call(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${gw.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function tenant(): Promise<{ key: string; phoneNumberId: string }> {
    const t = await call(ADMIN_TOKEN, 'POST', '/admin/v1/tenants', { name: `sched-${uniqueDigits()}` });
    const appId = `app${uniqueDigits()}`;
    await call(ADMIN_TOKEN, 'POST', '/admin/v1/apps', { appId, appSecret: 's', verifyToken: 'v' });
    const number = uniqueDigits('7');
    const n = await call(ADMIN_TOKEN, 'POST', `/admin/v1/tenants/${t.body.id}/phone-numbers`, {
      phoneNumberId: number, displayPhoneNumber: '15550100000', wabaId: uniqueDigits('6'), appId, accessToken: 'token-x', graphBaseUrl: 'http://127.0.0.1:9',
    });
    expect(n.status).toBe(201);
    return { key: t.body.apiKey.key, phoneNumberId: number };
  }
  const text = (sendAt: string, over: Record<string, unknown> = {}) => ({ phoneNumberId, to: '+14155550123', type: 'text', text: { body: 'reminder' }, sendAt, ...over });
  const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
  const produced = (id: string) => bus.messages.filter((m) => m.value.id === id);

  beforeAll(async () => {
    schema = await freshTestSchema('gwsched', { url: TEST_DATABASE_URL });
    contacts = await startOpenWindowContacts();
    env = {
      NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: suffix,
      KAFKA_PARTITIONS: '3', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema.schema, DB_POOL_SIZE: '10',
      ADMIN_TOKEN, INTERNAL_TOKEN, ENCRYPTION_KEYS: SecretBox.generateKeySpec('test'), CONSUMER_GROUP: `gateway-${suffix}`, MANAGEMENT_PORT: '0',
      RATE_LIMIT_PER_MINUTE: '100000', CONTACTS_URL: contacts.url,
    };
    gw = await createGatewayApp(env);
    bus = await TopicCollector.start(OUTBOUND_REQUESTED_V1, suffix);
    pg = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema.schema}` });
    await pg.connect();
    ({ key, phoneNumberId } = await tenant());
    otherKey = (await tenant()).key;
  });
  afterAll(async () => {
    await pg?.end();
    await bus?.stop();
    await gw?.close();
    await schema?.drop();
    await contacts?.close();
  });

  it('holds a send until its time, lists it as scheduled, then gives it to the dispatcher ahead of sendAt (real 3 s delay)', async () => {
    const sendAt = inMs(3000);
    const res = await call(key, 'POST', '/v1/messages', text(sendAt));
    expect(res).toEqual({ status: 202, body: { id: expect.any(String), status: 'scheduled' } });
    const listed = await call(key, 'GET', '/v1/messages?status=scheduled');
    expect(listed.body.data.map((m: { id: string }) => m.id)).toContain(res.body.id);
    expect((await call(key, 'GET', `/v1/messages/${res.body.id}`)).body).toMatchObject({ status: 'scheduled', sendAt, history: [{ status: 'scheduled' }] });
    expect(produced(res.body.id)).toEqual([]);

    const command = await waitFor(() => produced(res.body.id)[0], { timeoutMs: 15000, intervalMs: 20, what: 'the released command' });
    const releasedAt = Number(command.raw.timestamp); // the producer's create time
    expect(command.value.sendAt).toBe(sendAt);
    // released before its time (within the lead + one tick), so the dispatcher can fire at sendAt
    expect(releasedAt).toBeLessThanOrEqual(Date.parse(sendAt) + 250);
    expect((await pg.query('SELECT state FROM scheduled_sends WHERE message_id = $1', [res.body.id])).rows).toEqual([{ state: 'released' }]);
    const cancel = await call(key, 'DELETE', `/v1/messages/${res.body.id}`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('conflict');
  });

  it('cancels a scheduled send: status cancelled, repeatable, and never produced, while its twin due at the same time is', async () => {
    const sendAt = inMs(2500);
    const kept = await call(key, 'POST', '/v1/messages', text(sendAt, { text: { body: 'kept' } }));
    const dropped = await call(key, 'POST', '/v1/messages', text(sendAt, { text: { body: 'dropped' } }));
    const cancel = await call(key, 'DELETE', `/v1/messages/${dropped.body.id}`);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ id: dropped.body.id, status: 'cancelled', history: [{ status: 'scheduled' }, { status: 'cancelled' }] });
    expect((await call(key, 'DELETE', `/v1/messages/${dropped.body.id}`)).body.status).toBe('cancelled');
    expect((await call(key, 'GET', '/v1/messages?status=cancelled')).body.data.map((m: { id: string }) => m.id)).toContain(dropped.body.id);
    await waitFor(() => produced(kept.body.id)[0], { timeoutMs: 15000, what: 'the twin released' });
    // one more releaser tick after the twin: the cancelled one would have gone with it
    await new Promise((r) => setTimeout(r, 500));
    expect(produced(dropped.body.id)).toEqual([]);
  });

  it('answers 404 for another tenant\'s message or an unknown id and 409 for a send that was never scheduled', async () => {
    const scheduled = await call(key, 'POST', '/v1/messages', text(inMs(3_600_000)));
    expect((await call(otherKey, 'DELETE', `/v1/messages/${scheduled.body.id}`)).status).toBe(404);
    expect((await call(key, 'GET', `/v1/messages/${scheduled.body.id}`)).body.status).toBe('scheduled');
    expect((await call(key, 'DELETE', '/v1/messages/01KBZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    expect((await call(key, 'DELETE', '/v1/messages/not-an-id')).status).toBe(404);
    const now = await call(key, 'POST', '/v1/messages', { phoneNumberId, to: '+14155550123', type: 'text', text: { body: 'now' } });
    const refused = await call(key, 'DELETE', `/v1/messages/${now.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/cannot be cancelled: it is accepted/);
  });

  it('lets exactly one of cancel and release win for each of 60 sends cancelled right at their release', async () => {
    const sendAt = inMs(2600);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await call(key, 'POST', '/v1/messages', text(sendAt, { text: { body: `race ${i}` } }))).body.id);
    // fire the cancels around the release moment (sendAt minus the 1.5 s lead)
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(sendAt) - 1500 - Date.now() - 100)));
    const answers = await Promise.all(ids.map(async (id, i) => {
      await new Promise((r) => setTimeout(r, i * 4));
      return { id, status: (await call(key, 'DELETE', `/v1/messages/${id}`)).status };
    }));
    await new Promise((r) => setTimeout(r, 2000));
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    for (const a of answers) expect({ id: a.id, produced: produced(a.id).length > 0 }).toEqual({ id: a.id, produced: a.status === 409 });
    const cancelled = answers.filter((a) => a.status === 200).length;
    process.stdout.write(`cancel/release race: ${cancelled} cancelled, ${60 - cancelled} released\n`);
  });

  it('releases after a restart what was scheduled before it, once', async () => {
    const sendAt = inMs(4000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call(key, 'POST', '/v1/messages', text(sendAt, { text: { body: `restart ${i}` } }))).body.id);
    await gw.close();
    await new Promise((r) => setTimeout(r, 4500)); // down across the due time
    gw = await createGatewayApp(env);
    await waitFor(() => ids.every((id) => produced(id).length > 0), { timeoutMs: 15000, what: 'released after restart' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(ids.map((id) => produced(id).length)).toEqual([1, 1, 1, 1, 1]);
  });
});
