import { OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventV1, OutboundRequestedV1, STATUS_UPDATED_V1, StatusUpdatedV1 } from '@wabridge/contracts';
import { ulid } from 'ulid';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { testConnection, waitFor } from '@wabridge/testing';
import { Harness, seedTenant, startGateway, TenantFixture } from '../testing/gateway-harness';

const TO = '+14155550123';

describe('message projection (GET /v1/messages)', () => {
  let h: Harness;
  let fx: TenantFixture;
  let producer: EventProducer;

  beforeAll(async () => {
    h = await startGateway();
    fx = await seedTenant(h);
    producer = new EventProducer(createKafka(testConnection(h.suffix, 'projection-test')), h.suffix);
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.close();
    await h?.close();
  });

  const send = async (f: TenantFixture = fx, body: Record<string, unknown> = {}) => {
    const res = await h.api(f.key, 'POST', '/v1/messages', { phoneNumberId: f.phoneNumberId, to: TO, type: 'text', text: { body: 'x' }, ...body });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const outbound = (id: string, event: OutboundEventV1['event'], extra: Partial<OutboundEventV1> = {}, f: TenantFixture = fx) =>
    producer.send({
      topic: OUTBOUND_EVENTS_V1.topic, key: `${f.phoneNumberId}:14155550123`,
      value: { id, tenantId: f.tenantId, phoneNumberId: f.phoneNumberId, recipient: '14155550123', event, occurredAt: new Date().toISOString(), ...extra } satisfies OutboundEventV1,
    });
  const status = (wamid: string, s: StatusUpdatedV1['status'], extra: Partial<StatusUpdatedV1> = {}, occurredAt = new Date().toISOString()) =>
    producer.send({
      topic: STATUS_UPDATED_V1.topic, key: `${fx.phoneNumberId}:14155550123`,
      value: {
        wamid, status: s, phoneNumberId: fx.phoneNumberId, wabaId: fx.wabaId, appId: fx.appId, recipientId: '14155550123',
        occurredAt, receivedAt: new Date().toISOString(), raw: { id: wamid, status: s }, ...extra,
      } satisfies StatusUpdatedV1,
    });
  const until = (id: string, predicate: (m: any) => boolean, what: string) =>
    waitFor(async () => {
      const res = await h.api(fx.key, 'GET', `/v1/messages/${id}`);
      return res.status === 200 && predicate(res.body) ? res.body : undefined;
    }, { what, timeoutMs: 30000 });

  it('shows an accepted message with its history right after the send', async () => {
    const id = await send();
    const res = await h.api(fx.key, 'GET', `/v1/messages/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, phoneNumberId: fx.phoneNumberId, to: '14155550123', type: 'text', status: 'accepted', history: [{ status: 'accepted', at: expect.any(String) }] });
  });

  it('follows sent → delivered → read from the dispatcher\'s events alone; a raw status webhook changes nothing', async () => {
    const id = await send();
    const wamid = `wamid.${id}`;
    await outbound(id, 'sent', { wamid });
    await until(id, (m) => m.status === 'sent' && m.wamid === wamid, 'sent');
    // Meta's status on wa.status.updated.v1 is the dispatcher's to judge (ADR 0035): the
    // gateway does not consume it, so it cannot hear a status twice or judge it differently.
    await status(wamid, 'read', { bizOpaqueCallbackData: id });
    await outbound(id, 'delivered', { wamid });
    await until(id, (m) => m.status === 'delivered', 'delivered');
    expect((await h.api(fx.key, 'GET', `/v1/messages/${id}`)).body.history.map((x: any) => x.status)).toEqual(['accepted', 'sent', 'delivered']);
    await outbound(id, 'read', { wamid });
    const m = await until(id, (x) => x.status === 'read', 'read');
    expect(m.history.map((x: any) => x.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
  });

  it('never moves backwards when events are redelivered or late', async () => {
    const id = await send();
    const wamid = `wamid.late.${id}`;
    const t0 = Date.now();
    await outbound(id, 'sent', { wamid, occurredAt: new Date(t0 + 1000).toISOString() });
    await outbound(id, 'read', { wamid, occurredAt: new Date(t0 + 3000).toISOString() });
    await outbound(id, 'delivered', { wamid, occurredAt: new Date(t0 + 2000).toISOString() });
    await outbound(id, 'sent', { wamid, occurredAt: new Date(t0 + 1000).toISOString() }); // redelivery
    const m = await until(id, (x) => x.history.length === 4, 'all events applied');
    expect(m.status).toBe('read');
    expect(m.history.map((x: any) => x.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
  });

  it('applies a burst of events for many messages (one batch, one transaction) in order per message, skipping unknown and foreign ids', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, () => send()));
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    // Produced together, so the consumer gets them in few batches: per message sent, delivered,
    // read and a redelivered sent, interleaved across messages; plus an unknown id and one
    // claiming another tenant.
    await Promise.all([
      ...ids.flatMap((id) => [
        outbound(id, 'sent', { wamid: `wamid.burst.${id}`, occurredAt: at(1) }),
      ]),
      outbound(ulid(), 'sent', { wamid: 'wamid.unknown', occurredAt: at(1) }),
      producer.send({
        topic: OUTBOUND_EVENTS_V1.topic, key: `${fx.phoneNumberId}:14155550123`,
        value: { id: ids[0]!, tenantId: 'someone-else', phoneNumberId: fx.phoneNumberId, recipient: '14155550123', event: 'failed', occurredAt: at(1.5) } satisfies OutboundEventV1,
      }),
    ]);
    await Promise.all(ids.flatMap((id) => [
      outbound(id, 'delivered', { wamid: `wamid.burst.${id}`, occurredAt: at(2) }),
      outbound(id, 'read', { occurredAt: at(3) }),
      outbound(id, 'sent', { wamid: `wamid.burst.${id}`, occurredAt: at(1) }),
    ]));
    for (const id of ids) {
      const m = await until(id, (x) => x.status === 'read', `message ${id} read`);
      expect(m).toMatchObject({ wamid: `wamid.burst.${id}` });
      expect(m.history.map((x: any) => x.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    }
  });

  it('records a failure with its error class, and keeps it final like the dispatcher does', async () => {
    const id = await send();
    const wamid = `wamid.fail.${id}`;
    await outbound(id, 'sent', { wamid });
    await outbound(id, 'failed', { wamid, error: { class: 'permanent', code: 131026, message: 'Message undeliverable' } });
    const m = await until(id, (x) => x.status === 'failed', 'failed');
    expect(m.error).toEqual({ class: 'permanent', code: 131026, message: 'Message undeliverable' });
    await outbound(id, 'delivered', { wamid });
    const after = await until(id, (x) => x.history.length === 4, 'late delivery in the history');
    expect(after.status).toBe('failed');
  });

  it('shows messages requested straight on Kafka by internal producers, and their lifecycle', async () => {
    const id = ulid();
    const command: OutboundRequestedV1 = {
      id, tenantId: fx.tenantId, phoneNumberId: fx.phoneNumberId, to: '14155550123', type: 'text', message: { type: 'text', text: { body: 'from a campaign' } },
      source: 'campaign', campaignId: 'c1', requestedAt: new Date().toISOString(),
    };
    await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: fx.phoneNumberId, value: command });
    await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: fx.phoneNumberId, value: command }); // redelivery
    await until(id, (m) => m.status === 'accepted', 'row from the command');
    await outbound(id, 'sent', { wamid: `wamid.k.${id}` });
    const m = await until(id, (x) => x.status === 'sent', 'sent');
    expect(m.history.map((x: any) => x.status)).toEqual(['accepted', 'sent']);
  });

  it('keeps events that arrive before their internal producer\'s command, and applies them when the command makes the row', async () => {
    const id = ulid();
    const parked = async () => (await h.gw.db.query('SELECT count(*)::int AS n FROM early_outbound_events WHERE message_id = $1', [id]))[0].n as number;
    // The dispatcher was quicker than the gateway's consumer of the command topic.
    await outbound(id, 'sent', { wamid: `wamid.early.${id}`, occurredAt: new Date(Date.now() - 2000).toISOString() });
    await outbound(id, 'failed', { wamid: `wamid.early.${id}`, occurredAt: new Date(Date.now() - 1000).toISOString(), error: { class: 'permanent', code: 131026, message: 'Message undeliverable' } });
    await waitFor(async () => (await parked()) === 2, { what: 'both events parked', timeoutMs: 30000 });
    expect((await h.api(fx.key, 'GET', `/v1/messages/${id}`)).status).toBe(404);
    const command: OutboundRequestedV1 = {
      id, tenantId: fx.tenantId, phoneNumberId: fx.phoneNumberId, to: '14155550123', type: 'text', message: { type: 'text', text: { body: 'automated' } },
      source: 'kafka', requestedAt: new Date(Date.now() - 3000).toISOString(),
    };
    await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: fx.phoneNumberId, value: command });
    const m = await until(id, (x) => x.status === 'failed', 'the parked events applied');
    expect(m).toMatchObject({ wamid: `wamid.early.${id}`, error: { class: 'permanent', code: 131026 } });
    expect(m.history.map((x: any) => x.status)).toEqual(['accepted', 'sent', 'failed']);
    expect(await parked()).toBe(0);
  });

  it('answers 404 (not 403) for another tenant\'s message and lists only the caller\'s messages', async () => {
    const other = await seedTenant(h);
    const mine = await send();
    const theirs = await send(other);
    const cross = await h.api(other.key, 'GET', `/v1/messages/${mine}`);
    expect(cross.status).toBe(404);
    expect(cross.body).toEqual((await h.api(other.key, 'GET', '/v1/messages/01JZZZZZZZZZZZZZZZZZZZZZZZ')).body);
    const list = await h.api(other.key, 'GET', '/v1/messages');
    expect(list.body.data.map((m: any) => m.id)).toEqual([theirs]);
    // a forged event naming another tenant does not touch the message
    await outbound(mine, 'failed', { error: { class: 'permanent', message: 'x' } }, { ...other, phoneNumberId: fx.phoneNumberId });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await h.api(fx.key, 'GET', `/v1/messages/${mine}`)).body.status).toBe('accepted');
  });

  it('filters by status, recipient and time, with cursor pagination', async () => {
    const t = await seedTenant(h);
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(t, { to: i < 3 ? TO : '+4915112345678' }));
    const page1 = await h.api(t.key, 'GET', '/v1/messages?limit=2');
    expect(page1.body.data.map((m: any) => m.id)).toEqual([ids[4], ids[3]]);
    const page2 = await h.api(t.key, 'GET', `/v1/messages?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.map((m: any) => m.id)).toEqual([ids[2], ids[1]]);
    const page3 = await h.api(t.key, 'GET', `/v1/messages?limit=2&cursor=${page2.body.nextCursor}`);
    expect(page3.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const german = await h.api(t.key, 'GET', `/v1/messages?to=${encodeURIComponent('+49 151 12345678')}&since=${since}`);
    expect(german.body.data.map((m: any) => m.id)).toEqual([ids[4], ids[3]]);
    expect((await h.api(t.key, 'GET', '/v1/messages?status=read')).body.data).toEqual([]);
    expect((await h.api(t.key, 'GET', '/v1/messages?status=bogus')).status).toBe(400);
  });
});
