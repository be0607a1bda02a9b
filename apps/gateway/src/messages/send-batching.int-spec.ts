import { Client } from 'pg';
import type { QueryConfig } from 'pg';
import type { Producer } from 'kafkajs';
import { OUTBOUND_REQUESTED_V1, topicName } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { testConnection, TopicCollector } from '@wabridge/testing';
import { Harness, seedTenant, startGateway, TenantFixture, TEST_DATABASE_URL } from '../testing/gateway-harness';
import { MessagesRepository } from './messages.repository';

type Reply = Awaited<ReturnType<Harness['api']>>;

/**
 * Group commit of sends (ADR 0192): concurrent sends share a transaction and a produce, and
 * each still gets ADR 0011's answer. The topic is the oracle: it is read to its end offsets
 * (every 202 was acknowledged by Kafka before it was answered, so nothing is in flight).
 */
describe('send path: concurrent sends in shared transactions', () => {
  let h: Harness;
  let fx: TenantFixture;
  let bus: TopicCollector<any>;
  let pg: Client;
  let repo: MessagesRepository;
  let kafkaProducer: Producer;
  const batchSizes: number[] = [];

  beforeAll(async () => {
    h = await startGateway();
    fx = await seedTenant(h);
    bus = await TopicCollector.start<any>(OUTBOUND_REQUESTED_V1, h.suffix);
    pg = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${h.schema}` });
    await pg.connect();
    repo = h.gw.app.get(MessagesRepository);
    const acceptMany = repo.acceptMany.bind(repo);
    repo.acceptMany = (msgs, whileOpen) => {
      batchSizes.push(msgs.length);
      return acceptMany(msgs, whileOpen);
    };
    // the kafkajs producer inside our EventProducer: failures are injected where Kafka answers
    kafkaProducer = (h.gw.app.get(EventProducer) as unknown as { producer: Producer }).producer;
  });
  afterAll(async () => {
    await pg?.end();
    await bus?.stop();
    await h?.close();
  });

  const body = (i: number) => ({ phoneNumberId: fx.phoneNumberId, to: '+14155550123', type: 'text', text: { body: `order ${i}` } });
  const send = (i: number, key?: string): Promise<Reply> =>
    h.api(fx.key, 'POST', '/v1/messages', body(i), key ? { 'idempotency-key': key } : {});

  /** Everything on the topic now: waits until the collector has read up to the end offsets. */
  async function wholeTopic(): Promise<any[]> {
    const admin = createKafka(testConnection(h.suffix)).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topicName(OUTBOUND_REQUESTED_V1.topic, h.suffix));
      const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      await bus.waitForCount(total);
      expect(bus.messages).toHaveLength(total);
      return bus.messages.map((m) => m.value);
    } finally {
      await admin.disconnect();
    }
  }
  const onTopic = (commands: any[], id: string) => commands.filter((c) => c.id === id).length;
  const withKey = (commands: any[], key: string) => commands.filter((c) => typeof c.idempotencyKey === 'string' && c.idempotencyKey.startsWith(`${key}#`));
  const rowsWithKeys = async (keys: string[]) =>
    (await pg.query<{ id: string; idempotency_key: string }>('SELECT id, idempotency_key FROM messages WHERE tenant_id = $1 AND idempotency_key = ANY($2)', [fx.tenantId, keys])).rows;

  it('answers 150 concurrent sends (keys, no keys, repeated keys) each as before; every 202 id is on the topic exactly once with its row', async () => {
    batchSizes.length = 0;
    const run = `c${Date.now()}`;
    // 100 with their own key, 30 without, 20 repeating ten of the keys with the same body
    const requests: { i: number; key?: string }[] = [
      ...Array.from({ length: 100 }, (_, i) => ({ i, key: `${run}-${i}` })),
      ...Array.from({ length: 30 }, (_, i) => ({ i: 1000 + i })),
      ...Array.from({ length: 20 }, (_, i) => ({ i: i % 10, key: `${run}-${i % 10}` })),
    ];
    const replies = await Promise.all(requests.map((r) => send(r.i, r.key)));
    expect(replies.map((r) => r.status)).toEqual(Array(150).fill(202));
    // a repeated key answers its first request's id (replayed), a new key a new id
    const idByKey = new Map<string, string>();
    for (const [n, r] of requests.entries()) {
      if (!r.key) continue;
      const id = replies[n]!.body.id as string;
      expect(idByKey.get(r.key) ?? id).toBe(id);
      idByKey.set(r.key, id);
    }
    expect(idByKey.size).toBe(100);
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(20);
    const ids = new Set(replies.map((r) => r.body.id as string));
    expect(ids.size).toBe(130);

    const commands = await wholeTopic();
    for (const id of ids) expect(onTopic(commands, id)).toBe(1);
    for (const key of idByKey.keys()) expect(withKey(commands, key)).toHaveLength(1);
    const rows = await pg.query<{ id: string }>('SELECT id FROM messages WHERE id = ANY($1)', [[...ids]]);
    expect(rows.rows).toHaveLength(130);
    // they did share transactions (else this test proves nothing about batches)
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
  });

  it('fails exactly the batch whose produce Kafka refused: each of its requests 503, none of their rows stays; their retries are accepted once', async () => {
    const run = `f${Date.now()}`;
    const keyOf = (i: number) => `${run}-${i}`;
    const realSendBatch = kafkaProducer.sendBatch.bind(kafkaProducer);
    const injected: { failed: string[] | null } = { failed: null };
    // The first produce that carries more than one command is refused (as kafkajs rejects when
    // the brokers do not acknowledge); every other produce goes through.
    kafkaProducer.sendBatch = async (batch) => {
      const messages = batch.topicMessages?.flatMap((t) => t.messages) ?? [];
      if (injected.failed === null && messages.length > 1) {
        injected.failed = messages.map((m) => (JSON.parse(String(m.value)) as { idempotencyKey: string }).idempotencyKey.split('#')[0]!);
        throw new Error('injected: NOT_ENOUGH_REPLICAS');
      }
      return realSendBatch(batch);
    };
    let replies: Reply[];
    try {
      replies = await Promise.all(Array.from({ length: 60 }, (_, i) => send(i, keyOf(i))));
    } finally {
      kafkaProducer.sendBatch = realSendBatch;
    }
    const refused = injected.failed ?? [];
    expect(refused.length).toBeGreaterThan(1);
    const unavailable = replies.flatMap((r, i) => (r.status === 503 ? [keyOf(i)] : []));
    expect(unavailable.sort()).toEqual([...refused].sort());
    for (const r of replies.filter((x) => x.status === 503)) {
      expect(r.body.error.code).toBe('unavailable');
      expect(r.headers.get('retry-after')).toBeTruthy();
    }
    expect(replies.filter((r) => r.status === 202)).toHaveLength(60 - refused.length);
    expect(await rowsWithKeys(refused)).toEqual([]);

    const retried = await Promise.all(refused.map((key) => send(Number(key.split('-')[1]), key)));
    expect(retried.map((r) => r.status)).toEqual(refused.map(() => 202));
    expect(retried.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toEqual([]);
    const commands = await wholeTopic();
    for (let i = 0; i < 60; i++) expect(withKey(commands, keyOf(i))).toHaveLength(1);
    expect(await rowsWithKeys(Array.from({ length: 60 }, (_, i) => keyOf(i)))).toHaveLength(60);
  });

  it('retries a batch whose INSERT failed one send at a time, so its neighbours are still accepted', async () => {
    const run = `i${Date.now()}`;
    const acceptMany = repo.acceptMany;
    let broken = 0;
    repo.acceptMany = (msgs, whileOpen) => {
      if (msgs.length > 1 && broken === 0) {
        broken = msgs.length;
        return Promise.reject(new Error('injected: value too long for type character varying'));
      }
      return acceptMany.call(repo, msgs, whileOpen);
    };
    let replies: Reply[];
    try {
      replies = await Promise.all(Array.from({ length: 40 }, (_, i) => send(i, `${run}-${i}`)));
    } finally {
      repo.acceptMany = acceptMany;
    }
    expect(broken).toBeGreaterThan(1);
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(202));
    const commands = await wholeTopic();
    for (const r of replies) expect(onTopic(commands, r.body.id)).toBe(1);
    expect(await rowsWithKeys(Array.from({ length: 40 }, (_, i) => `${run}-${i}`))).toHaveLength(40);
  });

  it('runs a batch in two round trips to Postgres: BEGIN with its INSERT, then COMMIT after the produce (ADR 0210)', async () => {
    const run = `r${Date.now()}`;
    const statements: string[] = [];
    const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = proto.query;
    proto.query = function (this: Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as QueryConfig | undefined)?.text;
      if (typeof text === 'string' && /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|INSERT INTO messages)/i.test(text)) statements.push(text.trim().split(/\s+/).slice(0, 4).join(' '));
      return query.apply(this, args);
    };
    let reply: Reply;
    try {
      reply = await send(1, `${run}-1`);
    } finally {
      proto.query = query;
    }
    expect(reply.status).toBe(202);
    expect(statements).toEqual(['BEGIN; INSERT INTO messages', 'COMMIT']);
  });

  it('stores keys and metadata with quotes, backslashes (and metadata with non-ASCII) exactly as sent (the INSERT carries them as literals)', async () => {
    const key = `q${Date.now()}-it's\\a"key"\\'$1;--`; // visible ASCII only (Idempotency-Key's rule)
    const metadata = { note: "O'Brien \\n said \\\\ 'hi'; DROP TABLE messages; --", emoji: '🙂', empty: '' };
    const reply = await h.api(fx.key, 'POST', '/v1/messages', { ...body(7), metadata }, { 'idempotency-key': key });
    expect(reply.status).toBe(202);
    const rows = (await pg.query<{ idempotency_key: string; metadata: unknown }>('SELECT idempotency_key, metadata FROM messages WHERE id = $1', [reply.body.id])).rows;
    expect(rows).toEqual([{ idempotency_key: key, metadata }]);
    const again = await h.api(fx.key, 'POST', '/v1/messages', { ...body(7), metadata }, { 'idempotency-key': key });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(reply.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});
