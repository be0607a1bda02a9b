import { execFileSync } from 'node:child_process';
import { CONTACT_ERASED_V1, ContactErasedV1, OUTBOUND_EVENTS_V1, OutboundEventV1 } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { testConnection, waitFor } from '@wabridge/testing';
import { Harness, seedTenant, startGateway, TenantFixture, TEST_DATABASE_URL } from '../testing/gateway-harness';
import { MessageRetentionService } from './message-retention.service';
import { ulidFloor } from './messages.repository';

const ERASED = '14155550177';
const OTHER = '14155550188';
const DAY = 86_400_000;

describe('GDPR erasure and retention of the message projection (real Kafka and Postgres)', () => {
  let h: Harness;
  let fx: TenantFixture;
  let producer: EventProducer;

  beforeAll(async () => {
    h = await startGateway();
    fx = await seedTenant(h);
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'erasure-test')), h.suffix);
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.close();
    await h?.close();
  });

  const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => h.gw.db.query(text, params);
  const dump = (): string => execFileSync('pg_dump', ['--data-only', '--schema', h.schema, TEST_DATABASE_URL], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const send = async (to: string): Promise<string> => {
    const res = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: `+${to}`, type: 'text', text: { body: `hi ${to}` }, metadata: { crm: `lead ${to}` } });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const outbound = (id: string, to: string, event: OutboundEventV1['event'], extra: Partial<OutboundEventV1> = {}) =>
    producer.send({
      topic: OUTBOUND_EVENTS_V1.topic, key: `${fx.phoneNumberId}:${to}`,
      value: { id, tenantId: fx.tenantId, phoneNumberId: fx.phoneNumberId, recipient: to, event, occurredAt: new Date().toISOString(), ...extra } satisfies OutboundEventV1,
    });
  const erase = (waId: string) => {
    const value: ContactErasedV1 = { tenantId: fx.tenantId, contactId: '01JCONTACT0000000000000000', phoneNumberId: fx.phoneNumberId, waId, erasedAt: new Date().toISOString(), optedOut: true };
    return producer.send({ topic: CONTACT_ERASED_V1.topic, key: `${fx.tenantId}:${value.contactId}`, value });
  };

  it('an erased contact\'s messages keep their state but lose recipient, wamid, metadata and error texts; other users\' messages are untouched', async () => {
    const sent = await send(ERASED);
    const failed = await send(ERASED);
    const other = await send(OTHER);
    await outbound(sent, ERASED, 'sent', { wamid: `wamid.${sent}` });
    await outbound(failed, ERASED, 'failed', { error: { class: 'permanent', code: 131026, message: `Message undeliverable to ${ERASED}` } });
    await outbound(other, OTHER, 'sent', { wamid: `wamid.${other}` });
    await waitFor(async () => (await sql('SELECT 1 FROM messages WHERE status IN ($1, $2)', ['sent', 'failed'])).length === 3, { what: 'projected' });
    expect(dump()).toContain(ERASED); // can fail: the number is there before

    await erase(ERASED);
    const m = await waitFor(async () => {
      const res = await h.api(fx.key, 'GET', `/v1/messages/${sent}`);
      return res.body.to === undefined ? res.body : undefined;
    }, { what: 'scrubbed', timeoutMs: 30000 });
    expect(m).toMatchObject({ id: sent, status: 'sent', phoneNumberId: fx.phoneNumberId });
    expect(m.wamid).toBeUndefined();
    expect(m.metadata).toBeUndefined();
    await waitFor(async () => (await sql(`SELECT 1 FROM messages WHERE id = $1 AND recipient = 'erased'`, [failed])).length === 1, { what: 'failed one scrubbed' });
    const f = (await h.api(fx.key, 'GET', `/v1/messages/${failed}`)).body;
    expect(f).toMatchObject({ status: 'failed', error: { class: 'permanent', code: 131026 } });
    expect(f.error.message).toBeUndefined();
    expect((await h.api(fx.key, 'GET', `/v1/messages/${other}`)).body).toMatchObject({ to: OTHER, wamid: `wamid.${other}`, metadata: { crm: `lead ${OTHER}` } });
    const d = dump();
    expect(d).not.toContain(ERASED);
    expect(d).toContain(OTHER);

    await erase(ERASED); // a replay finds nothing to do
    await erase(OTHER);
    await waitFor(async () => (await sql(`SELECT 1 FROM messages WHERE id = $1 AND recipient = 'erased'`, [other])).length === 1, { what: 'other scrubbed after replay' });
  }, 60000);

  it('retention deletes settled messages and unmatched statuses past their age, in chunks, and keeps recent and live ones', async () => {
    const now = Date.now();
    const oldAt = new Date(now - 91 * DAY);
    const id = (at: number, n: number): string => ulidFloor(at).slice(0, 10) + String(n).padStart(16, '0');
    const insert = (msgId: string, status: string, at: Date) => sql(
      `INSERT INTO messages (id, tenant_id, phone_number_id, recipient, "to", type, status, status_rank, history, request_hash, source, created_at, updated_at)
       VALUES ($1, $2, $3, '1', '1', 'text', $4, 0, '[]', 'h', 'api', $5, $5)`,
      [msgId, fx.tenantId, fx.phoneNumberId, status, at],
    );
    for (let i = 0; i < 12; i++) await insert(id(oldAt.getTime(), i), i % 2 ? 'delivered' : 'failed', oldAt);
    const oldLive = id(oldAt.getTime(), 100);
    await insert(oldLive, 'accepted', oldAt);
    const recent = id(now - DAY, 1);
    await insert(recent, 'read', new Date(now - DAY));
    await sql(`INSERT INTO unmatched_statuses (wamid, status, phone_number_id, occurred_at, received_at) VALUES ('wamid.old', 'read', $1, $2, $2), ('wamid.new', 'read', $1, now(), now())`, [fx.phoneNumberId, new Date(now - 8 * DAY)]);

    const result = await h.gw.app.get(MessageRetentionService).prune(now);

    expect(result).toEqual({ messages: 12, unmatchedStatuses: 1, requestLogs: 0 });
    expect((await sql('SELECT id FROM messages WHERE created_at < $1 ORDER BY id', [new Date(now - 90 * DAY)])).map((r) => r.id)).toEqual([oldLive]);
    expect(await sql('SELECT 1 FROM messages WHERE id = $1', [recent])).toHaveLength(1);
    expect((await sql('SELECT wamid FROM unmatched_statuses')).map((r) => r.wamid)).toEqual(['wamid.new']);
    expect(await h.gw.app.get(MessageRetentionService).prune(now)).toEqual({ messages: 0, unmatchedStatuses: 0, requestLogs: 0 });
  });

  it('ulidFloor bounds ids by time', () => {
    expect(ulidFloor(0)).toBe('00000000000000000000000000');
    expect(ulidFloor(1469918176385)).toBe('01ARYZ6S41' + '0'.repeat(16)); // the ULID spec's example time
  });
});
