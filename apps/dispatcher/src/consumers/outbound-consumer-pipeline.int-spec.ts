import { OUTBOUND_REQUESTED_V1, OUTBOUND_RETRY_TIERS, topicName } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { createTestTopics, randomSuffix, testConnection, waitFor } from '@wabridge/testing';
import { systemClock } from '../common/clock';
import { request } from '../testing/pipeline-fakes';
import { OutboundConsumer, REQUESTED_BATCHES_IN_FLIGHT } from './outbound.consumer';
import type { OutboundProcessor } from '../pipeline/outbound.processor';

/**
 * ADR 0212: a partition of wa.outbound.requested.v1 has up to REQUESTED_BATCHES_IN_FLIGHT
 * batches in flight, so a message arriving while an earlier batch waits for Graph is handed
 * over at once instead of after that batch is durable; offsets are still committed in order
 * (a later batch that is durable first does not commit past an earlier one), and each batch is
 * admitted only after the one before it. Oracles: the processor's calls and the group's
 * committed offset on the broker.
 */
describe('dispatcher hot-path consumer with batches of a partition in flight (real broker)', () => {
  const suffix = randomSuffix('disp-pipe');
  const groupId = `g-${suffix}`;
  const kafka = createKafka(testConnection(suffix, 'disp-pipe'));
  const producer = new EventProducer(kafka, suffix);
  const admin = kafka.admin();
  const topic = topicName(OUTBOUND_REQUESTED_V1.topic, suffix);

  /** Batches handed to the processor; each is held until `release` is called. */
  const calls: { ids: string[]; release: () => void; after?: Promise<void> }[] = [];
  const processor = {
    process: (items: { request: { id: string } }[], order?: { after?: Promise<void>; admitted?: () => void }) => new Promise<void>((release) => {
      calls.push({ ids: items.map((i) => i.request.id), release, after: order?.after });
      order?.admitted?.();
    }),
  } as unknown as OutboundProcessor;
  const consumer = new OutboundConsumer(kafka, producer, processor, systemClock, { groupId, topicSuffix: suffix, concurrency: 3 });
  const callOf = (id: string) => calls.find((c) => c.ids.includes(id));

  /** The group's committed offset of the partition that holds key 'one-number'. */
  async function committed(partition: number): Promise<number> {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(t!.partitions.find((p) => p.partition === partition)!.offset);
  }

  beforeAll(async () => {
    await createTestTopics(suffix, [OUTBOUND_REQUESTED_V1, ...OUTBOUND_RETRY_TIERS.map((t) => t.spec)]);
    await producer.connect();
    await admin.connect();
    await consumer.start();
  }, 60000);

  afterAll(async () => {
    for (const c of calls) c.release();
    await consumer.stop();
    await admin.disconnect();
    await producer.close();
  }, 30000);

  it('hands a partition its next batch while the earlier one is held, and commits in offset order', async () => {
    expect(REQUESTED_BATCHES_IN_FLIGHT).toBeGreaterThan(1);
    const first = request();
    const second = request();
    await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: 'one-number', value: first });
    await waitFor(async () => callOf(first.id) !== undefined, { timeoutMs: 30000 });
    // The earlier batch is still held (waiting for Graph); the next message of its partition goes on.
    await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: 'one-number', value: second });
    await waitFor(async () => callOf(second.id) !== undefined, { timeoutMs: 10000 });
    // Admitted after the batch before it.
    expect(callOf(second.id)!.after).toBeDefined();

    const offsets = await admin.fetchTopicOffsets(topic);
    const partition = offsets.find((o) => Number(o.high) > 0)!.partition;
    const before = await committed(partition);
    // The later batch is durable first: nothing is committed past the earlier one.
    callOf(second.id)!.release();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await committed(partition)).toBe(before);
    // The earlier one done: both are committed.
    callOf(first.id)!.release();
    await waitFor(async () => (await committed(partition)) === 2, { timeoutMs: 10000 });
  }, 120000);
});
