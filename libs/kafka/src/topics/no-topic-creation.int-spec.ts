import 'reflect-metadata';
import { Controller, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INBOUND_MESSAGE_V1, InboundMessageV1, topicName } from '@wabridge/contracts';
import { HealthRegistry } from '@wabridge/telemetry';
import { createTestTopics, randomSuffix, testConnection, waitFor } from '@wabridge/testing';
import { configureKafkaMicroservice, createKafka, EventProducer, KafkaBatchServer, KafkaModule } from '../index';

/**
 * KAFKA_CREATE_TOPICS=false (production, Strimzi owns the topics): nothing is created at boot,
 * readiness names each missing topic, and a consumer starts once its topic appears.
 */
describe('services that may not create topics (real broker)', () => {
  async function topicsOnBroker(suffix: string): Promise<string[]> {
    const admin = createKafka(testConnection(suffix, 'no-create-check')).admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((t) => t.endsWith(suffix));
    } finally {
      await admin.disconnect();
    }
  }

  it('creates no topic at boot and fails readiness naming the missing ones', async () => {
    const suffix = randomSuffix('nocreate');
    const health = new HealthRegistry({} as never);
    // global, as the ObservabilityModule that holds it in a service
    @Global()
    @Module({ providers: [{ provide: HealthRegistry, useValue: health }], exports: [HealthRegistry] })
    class HealthModule {}
    @Module({
      imports: [HealthModule, KafkaModule.forRoot({ connection: { ...testConnection(suffix, 'no-create'), createTopics: false }, topics: [INBOUND_MESSAGE_V1], extraTopics: ['svc.dlq.v1'], partitions: 1 })],
    })
    class ServiceModule {}
    const app = await NestFactory.createApplicationContext(ServiceModule, { logger: false });
    try {
      expect(await topicsOnBroker(suffix)).toEqual([]);
      const report = await health.check();
      expect(report.status).toBe('error');
      expect(report.checks['kafka']).toBe('ok');
      expect(report.checks['kafka-topics']).toContain('KAFKA_CREATE_TOPICS=false');
      expect(report.checks['kafka-topics']).toContain(topicName(INBOUND_MESSAGE_V1.topic, suffix));
      expect(report.checks['kafka-topics']).toContain(`svc.dlq.v1.${suffix}`);
      await createTestTopics(suffix, [INBOUND_MESSAGE_V1], ['svc.dlq.v1']);
      expect((await health.check()).status).toBe('ok');
    } finally {
      await app.close();
      const admin = createKafka(testConnection(suffix, 'no-create-clean')).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: await topicsOnBroker(suffix) }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60000);

  it('boots a consumer whose topic is missing, reports it in readiness, and consumes once it exists', async () => {
    const suffix = randomSuffix('nocreate');
    const groupId = `g-${suffix}`;
    const seen: string[] = [];
    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic)
      handle(@Payload() event: InboundMessageV1): void {
        seen.push(event.wamid);
      }
    }
    @Module({ controllers: [Handler] })
    class ConsumerModule {}
    const server = new KafkaBatchServer({ connection: { ...testConnection(suffix), createTopics: false }, consumer: { groupId } });
    const app = await NestFactory.createMicroservice(ConsumerModule, { strategy: server, logger: false });
    configureKafkaMicroservice(app);
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    try {
      await app.listen();
      expect(await topicsOnBroker(suffix)).toEqual([]);
      await expect(server.readinessCheck()).rejects.toThrow(`missing and KAFKA_CREATE_TOPICS=false (create them with the KafkaTopic resources in deploy/): ${topicName(INBOUND_MESSAGE_V1.topic, suffix)}`);
      await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [`${groupId}.dlq.v1`]);
      await producer.send({
        topic: INBOUND_MESSAGE_V1.topic, key: 'k',
        value: Object.assign(new InboundMessageV1(), { wamid: 'wamid.late', type: 'text', phoneNumberId: '1', wabaId: 'w', appId: 'a', occurredAt: '2026-01-01T00:00:00.000Z', receivedAt: '2026-01-01T00:00:00.000Z', raw: {} }),
      });
      await waitFor(() => seen.length === 1, { what: 'the consumer to start and handle the message', timeoutMs: 30000 });
      await expect(server.readinessCheck()).resolves.toBeUndefined();
      expect(seen).toEqual(['wamid.late']);
    } finally {
      await producer.close();
      await app.close();
    }
  }, 60000);
});
