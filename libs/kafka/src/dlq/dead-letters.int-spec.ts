import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { dlqTopicFor, INBOUND_MESSAGE_V1, InboundMessageV1, STATUS_UPDATED_V1, topicName } from '@wabridge/contracts';
import { createTestTopics, randomSuffix, testConnection, waitFor } from '@wabridge/testing';
import { configureKafkaMicroservice, createKafka, DeadLetters, EventProducer, KafkaBatchServer, PoisonMessageError } from '../index';
import { inboundEvent } from '../testing/inbound-event';

describe('DLQ tool on the real broker', () => {
  it('lists every consumer DLQ with counts, shows reasons and sources, replays to the source topic once, with filters and a bound', async () => {
    const suffix = randomSuffix();
    const groupId = 'contacts-like';
    const otherGroup = 'gateway-like';
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1, STATUS_UPDATED_V1], [dlqTopicFor(groupId), dlqTopicFor(otherGroup)]);
    const refuse = new Set(['wamid.p1', 'wamid.p2', 'wamid.p3']);
    const handled: string[] = [];

    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic)
      handle(@Payload() e: InboundMessageV1): void {
        if (refuse.has(e.wamid)) throw new PoisonMessageError(`no contact for ${e.wamid}`);
        handled.push(e.wamid);
      }
    }
    @Module({ controllers: [Handler] })
    class TestModule {}
    const app = await NestFactory.createMicroservice(TestModule, {
      strategy: new KafkaBatchServer({ connection: testConnection(suffix), consumer: { groupId } }), logger: false,
    });
    configureKafkaMicroservice(app);
    await app.listen();
    const kafka = createKafka(testConnection(suffix));
    const producer = new EventProducer(kafka, suffix);
    const dlq = new DeadLetters(kafka, suffix);
    const dlqTopic = topicName(dlqTopicFor(groupId), suffix);
    try {
      await producer.sendMany(['wamid.ok', 'wamid.p1', 'wamid.p2', 'wamid.p3'].map((w) => ({ topic: INBOUND_MESSAGE_V1.topic, key: `k-${w}`, value: inboundEvent(w) })));
      await waitFor(async () => ((await dlq.list()).find((t) => t.topic === dlqTopic)?.entries ?? 0) >= 3, { what: 'three dead letters', timeoutMs: 30000 });

      expect(await dlq.list()).toEqual([
        { topic: dlqTopic, entries: 3, replayed: 0 },
        { topic: topicName(dlqTopicFor(otherGroup), suffix), entries: 0, replayed: 0 },
      ]);
      const entries = await dlq.entries(dlqTopicFor(groupId));
      expect(entries.map((e) => [e.reason, e.sourceTopic, e.sourceOffset, e.consumer, e.key?.toString()])).toEqual([
        [expect.stringContaining('no contact for wamid.p1'), topicName(INBOUND_MESSAGE_V1.topic, suffix), '1', groupId, 'k-wamid.p1'],
        [expect.stringContaining('no contact for wamid.p2'), topicName(INBOUND_MESSAGE_V1.topic, suffix), '2', groupId, 'k-wamid.p2'],
        [expect.stringContaining('no contact for wamid.p3'), topicName(INBOUND_MESSAGE_V1.topic, suffix), '3', groupId, 'k-wamid.p3'],
      ]);

      // The cause is fixed; replay only p2 (filter), then at most one more (bound), then the rest.
      refuse.clear();
      expect((await dlq.replay(dlqTopicFor(groupId), { reason: 'wamid.p2', dryRun: true })).replayed.map((e) => e.offset)).toEqual(['1']);
      expect((await dlq.replay(dlqTopicFor(groupId), { reason: 'wamid.p2' })).replayed.map((e) => e.sourceOffset)).toEqual(['2']);
      await waitFor(() => handled.includes('wamid.p2'), { what: 'p2 handled after replay' });
      const bounded = await dlq.replay(dlqTopicFor(groupId), { max: 1 });
      expect({ replayed: bounded.replayed.map((e) => e.sourceOffset), before: bounded.alreadyReplayed }).toEqual({ replayed: ['1'], before: 1 });
      const rest = await dlq.replay(dlqTopicFor(groupId));
      expect(rest.replayed.map((e) => e.sourceOffset)).toEqual(['3']);
      // Re-running replays nothing twice.
      const again = await dlq.replay(dlqTopicFor(groupId));
      expect({ replayed: again.replayed.length, before: again.alreadyReplayed }).toEqual({ replayed: 0, before: 3 });

      await waitFor(() => handled.length === 4, { what: 'every message handled once' });
      expect([...handled].sort()).toEqual(['wamid.ok', 'wamid.p1', 'wamid.p2', 'wamid.p3']);
      expect((await dlq.list())[0]).toEqual({ topic: dlqTopic, entries: 3, replayed: 3 });
    } finally {
      await producer.close();
      await app.close();
    }
  });
});
