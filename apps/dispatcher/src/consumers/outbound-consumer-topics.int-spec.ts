import { dlqTopicFor, OUTBOUND_REQUESTED_V1, OUTBOUND_RETRY_TIERS } from '@wabridge/contracts';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { createTestTopics, randomSuffix, testConnection, TopicCollector } from '@wabridge/testing';
import { systemClock } from '../common/clock';
import { OutboundConsumer } from './outbound.consumer';
import type { OutboundProcessor } from '../pipeline/outbound.processor';

/**
 * KAFKA_CREATE_TOPICS=false (ADR 0175): the hot-path consumer's start() does not fail on a
 * missing topic; it consumes once the topics exist. A message that is not an
 * OutboundRequestedV1 is dead-lettered without reaching the processor, so its arrival on the
 * DLQ shows the consumer started.
 */
describe('dispatcher hot-path consumer with topics created later (real broker)', () => {
  it('starts without its topics and consumes once they exist', async () => {
    const suffix = randomSuffix('disp-topics');
    const groupId = `g-${suffix}`;
    const kafka = createKafka(testConnection(suffix, 'disp-topics'));
    const producer = new EventProducer(kafka, suffix);
    const processed: unknown[][] = [];
    // the malformed message is dead-lettered and leaves nothing for the processor
    const processor = { process: async (items: unknown[]) => void processed.push(items) } as unknown as OutboundProcessor;
    const consumer = new OutboundConsumer(kafka, producer, processor, systemClock, { groupId, topicSuffix: suffix, concurrency: 1, waitForTopics: true });
    let dlq: TopicCollector | undefined;
    try {
      await producer.connect();
      const started = Date.now();
      await consumer.start();
      expect(Date.now() - started).toBeLessThan(10000);
      await createTestTopics(suffix, [OUTBOUND_REQUESTED_V1, ...OUTBOUND_RETRY_TIERS.map((t) => t.spec)], [dlqTopicFor(groupId)]);
      dlq = await TopicCollector.start(dlqTopicFor(groupId), suffix);
      await producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: 'k', value: { not: 'a send request' } });
      const [dead] = await dlq.waitForCount(1, 40000);
      expect(dead!.headers['dlq-reason']).toMatch(/contract violation|must be/);
      expect(processed.flat()).toEqual([]);
    } finally {
      await dlq?.stop();
      await consumer.stop();
      await producer.close();
    }
  }, 90000);
});
