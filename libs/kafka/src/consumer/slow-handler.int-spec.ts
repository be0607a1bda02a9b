import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { dlqTopicFor, INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { ObservabilityModule } from '@wabridge/telemetry';
import { createTestTopics, randomSuffix, testConnection, waitFor } from '@wabridge/testing';
import { attachKafkaConsumer, createKafka, EventProducer, KafkaBatchItem } from '../index';
import { inboundEvent } from '../testing/inbound-event';

/**
 * A handler slower than the group's session timeout (6 s, the broker's minimum) keeps its
 * membership: the transport heartbeats while it runs. Without that the member is evicted
 * mid-handler, its offsets cannot be committed and the messages are handled a second time.
 */
describe('a handler slower than the session timeout (real broker)', () => {
  for (const mode of ['one message', 'batch'] as const) {
    it(`is not evicted, and handles its message exactly once (${mode})`, async () => {
      const suffix = randomSuffix();
      const groupId = `slow-${suffix}`;
      await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [dlqTopicFor(groupId)]);
      const calls: string[] = [];
      const handle = async (wamids: string[]): Promise<void> => {
        calls.push(...wamids);
        await new Promise((r) => setTimeout(r, 9000)); // 1.5 × the session timeout
      };

      @Controller()
      class OneHandler {
        @EventPattern(INBOUND_MESSAGE_V1.topic)
        async on(@Payload() e: InboundMessageV1): Promise<void> {
          await handle([e.wamid]);
        }
      }
      @Controller()
      class BatchHandler {
        @EventPattern(INBOUND_MESSAGE_V1.topic, { batch: true })
        async on(@Payload() items: KafkaBatchItem<InboundMessageV1>[]): Promise<void> {
          await handle(items.map((i) => i.payload.wamid));
        }
      }
      @Module({ imports: [ObservabilityModule.forRoot({ serviceName: 'slow-test' })], controllers: [mode === 'batch' ? BatchHandler : OneHandler] })
      class TestModule {}

      const app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
      attachKafkaConsumer(app, { connection: testConnection(suffix), consumer: { groupId, sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 } });
      await app.init();
      await app.startAllMicroservices();
      const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
      try {
        await producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.slow.1') });
        // handled and committed
        const admin = createKafka(testConnection(suffix)).admin();
        await admin.connect();
        try {
          await waitFor(async () => {
            const offsets = await admin.fetchOffsets({ groupId, topics: [`${INBOUND_MESSAGE_V1.topic}.${suffix}`] });
            const committed = offsets.flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
            return committed >= 1;
          }, { timeoutMs: 90000, intervalMs: 500, what: 'the offset committed' });
        } finally {
          await admin.disconnect();
        }
        // handled once (an evicted member's uncommitted message would be handled again)
        expect(calls).toEqual(['wamid.slow.1']);
      } finally {
        await producer.close();
        await app.close();
      }
    }, 150000);
  }
});
