import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { dlqTopicFor, INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { createTestTopics, randomSuffix, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { createKafka, EventProducer, KafkaBatchServer } from '../index';
import { inboundEvent } from '../testing/inbound-event';

describe('a consumer passing over messages by their headers (skip, ADR 0196)', () => {
  it('never decodes, hands over or dead-letters a skipped message, and commits past it', async () => {
    const suffix = randomSuffix();
    const groupId = `g-${suffix}`;
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [dlqTopicFor(groupId)]);
    const seen: string[] = [];
    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic)
      handle(@Payload() event: InboundMessageV1): void {
        seen.push(event.wamid);
      }
    }
    @Module({ controllers: [Handler] })
    class TestModule {}
    const skip = (topic: string, headers: Record<string, string>): boolean => topic === INBOUND_MESSAGE_V1.topic && headers['source'] === 'own';
    const make = () => NestFactory.createMicroservice(TestModule, {
      strategy: new KafkaBatchServer({ connection: testConnection(suffix), consumer: { groupId }, skip }), logger: false,
    });
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    const dlq = await TopicCollector.start(dlqTopicFor(groupId), suffix);
    try {
      const first = await make();
      await first.listen();
      const own = { source: 'own' };
      await producer.sendMany([
        { topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.1') },
        { topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.own-1'), headers: own },
        // not even valid: a skipped message is never decoded, so it is not dead-lettered either
        { topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: { not: 'a contract' }, headers: own },
        { topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.2'), headers: { source: 'other' } },
      ]);
      await waitFor(() => seen.length === 2, { what: 'the two not skipped' });
      await first.close();
      // offsets were committed past the skipped ones: a restarted consumer sees only what is new
      await producer.sendMany([{ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.3') }]);
      const second = await make();
      await second.listen();
      await waitFor(() => seen.length >= 3, { what: 'the new one' });
      await new Promise((r) => setTimeout(r, 500));
      await second.close();
      expect(seen).toEqual(['wamid.1', 'wamid.2', 'wamid.3']);
      expect(dlq.messages).toEqual([]);
    } finally {
      await dlq.stop();
      await producer.close();
    }
  });
});
