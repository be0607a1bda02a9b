import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { createTestTopics, randomSuffix, testConnection, waitFor } from '@wabridge/testing';
import { createKafka, EventProducer, KafkaBatchServer } from '../index';
import { inboundEvent } from '../testing/inbound-event';

describe('a consumer whose fetches wait for minBytes or maxWaitTimeMs (ADR 0116)', () => {
  it('takes a trickle of messages in one or two fetches instead of one per produce, and polls idle at maxWaitTimeMs', async () => {
    const suffix = randomSuffix();
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1]);
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
    const server = new KafkaBatchServer({ connection: testConnection(suffix), consumer: { groupId: `g-${suffix}`, minBytes: 1024 * 1024, maxWaitTimeMs: 400 } });
    const app = await NestFactory.createMicroservice(TestModule, { strategy: server, logger: false });
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    try {
      await app.listen();
      await producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.0') });
      await waitFor(() => seen.length === 1, { what: 'the first message (consumer joined)', timeoutMs: 30000 });
      const consumer = server.unwrap<Consumer>();
      let fetches = 0;
      const stop = consumer.on(consumer.events.FETCH, () => { fetches += 1; });

      // Idle: a fetch returns every maxWaitTimeMs (kafkajs' default would hold it for 5 s).
      await new Promise((r) => setTimeout(r, 1300));
      const idleFetches = fetches;

      // Five messages 40 ms apart: with minBytes 1 each produce would wake a fetch of its own.
      fetches = 0;
      for (let i = 1; i <= 5; i++) {
        await producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent(`wamid.${i}`) });
        await new Promise((r) => setTimeout(r, 40));
      }
      await waitFor(() => seen.length === 6, { what: 'the five', timeoutMs: 5000 });
      const trickleFetches = fetches;
      stop();

      expect(idleFetches).toBeGreaterThanOrEqual(2);
      expect(trickleFetches).toBeLessThanOrEqual(2);
      expect(seen).toEqual(['wamid.0', 'wamid.1', 'wamid.2', 'wamid.3', 'wamid.4', 'wamid.5']);
    } finally {
      await app.close();
      await producer.close();
    }
  });
});
