import { Consumer, ConsumerConfig } from 'kafkajs';
import { OUTBOUND_REQUESTED_V1, OUTBOUND_RETRY_TIERS } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { createTestTopics, randomSuffix, testConnection, waitFor } from '@wabridge/testing';
import { systemClock } from '../common/clock';
import { request } from '../testing/pipeline-fakes';
import { OutboundConsumer } from './outbound.consumer';
import type { OutboundProcessor } from '../pipeline/outbound.processor';

/**
 * The hot-path consumer's fetch long-poll (ADR 0203): long while nothing waits to be resumed (an
 * idle dispatcher fetched its partitions 40 times a second and allocated ~15 MB/s), short while a
 * batch is in flight, so its partition — paused, left out of the fetch under way — is fetched
 * again soon after it resumes. The oracle is kafkajs's own fetch events and the processor's calls.
 */
describe('dispatcher hot-path consumer fetch wait (real broker)', () => {
  const suffix = randomSuffix('disp-wait');
  const kafka = createKafka(testConnection(suffix, 'disp-wait'));
  const producer = new EventProducer(kafka, suffix);
  let kafkaConsumer: Consumer | undefined;
  const makeConsumer = kafka.consumer.bind(kafka);
  kafka.consumer = (config: ConsumerConfig): Consumer => (kafkaConsumer = makeConsumer(config));

  /** Batches handed to the processor; each is held until its `release` is called. */
  const calls: { at: number; ids: string[]; release: () => void }[] = [];
  const processor = {
    process: (items: { request: { id: string } }[]) => new Promise<void>((release) => {
      calls.push({ at: Date.now(), ids: items.map((i) => i.request.id), release });
    }),
  } as unknown as OutboundProcessor;
  const consumer = new OutboundConsumer(kafka, producer, processor, systemClock, { groupId: `g-${suffix}`, topicSuffix: suffix, concurrency: 3 });

  beforeAll(async () => {
    await createTestTopics(suffix, [OUTBOUND_REQUESTED_V1, ...OUTBOUND_RETRY_TIERS.map((t) => t.spec)]);
    await producer.connect();
    await consumer.start();
  }, 60000);

  afterAll(async () => {
    for (const c of calls) c.release();
    await consumer.stop();
    await producer.close();
  }, 30000);

  it('fetches about once a second while no batch is in flight', async () => {
    let fetches = 0;
    const events = kafkaConsumer!;
    const remove = events.on(events.events.FETCH, () => void fetches++);
    await waitFor(async () => fetches > 0, { timeoutMs: 30000 }); // joined the group and fetching
    fetches = 0;
    await new Promise((r) => setTimeout(r, 3000));
    remove();
    // 25 ms long-polls made ~100 in this time.
    expect(fetches).toBeLessThanOrEqual(8);
  }, 60000);

  it('fetches a partition again right after its batch is done, while the rest of the topic is empty', async () => {
    for (let round = 0; round < 3; round++) {
      const first = request();
      const second = request();
      await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: 'one-number', value: first });
      await waitFor(async () => calls.some((c) => c.ids.includes(first.id)), { timeoutMs: 20000 });
      // The second message lands on the paused partition while fetches without it go on.
      await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: 'one-number', value: second });
      await new Promise((r) => setTimeout(r, 1200));
      const releasedAt = Date.now();
      calls.find((c) => c.ids.includes(first.id))!.release();
      await waitFor(async () => calls.some((c) => c.ids.includes(second.id)), { timeoutMs: 20000 });
      const fetchedAt = calls.find((c) => c.ids.includes(second.id))!.at;
      calls.find((c) => c.ids.includes(second.id))!.release();
      // A fetch that left the partition out and waited the idle long-poll took up to 1 s.
      expect(fetchedAt - releasedAt).toBeLessThan(400);
    }
  }, 120000);
});
