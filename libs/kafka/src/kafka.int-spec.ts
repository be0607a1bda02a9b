import 'reflect-metadata';
import { Controller, Injectable, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { dlqTopicFor, INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { createTestTopics, randomSuffix, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { attachKafkaConsumer, configureKafkaMicroservice, createKafka, EventProducer, KafkaBatchItem, KafkaBatchServer, KafkaEventContext, PoisonMessageError } from './index';
import { inboundEvent } from './testing/inbound-event';

describe('kafka lib against the real broker', () => {
  it('micro-batches concurrent sends into few produce requests and acknowledges each caller', async () => {
    const suffix = randomSuffix();
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1]);
    const kafka = createKafka(testConnection(suffix));
    const producer = new EventProducer(kafka, suffix, { lingerMs: 5 });
    const requests: number[] = [];
    const collector = await TopicCollector.start(INBOUND_MESSAGE_V1, suffix);
    try {
      await producer.connect();
      const inner = (producer as unknown as { producer: { sendBatch: (...a: unknown[]) => Promise<unknown> } }).producer;
      const original = inner.sendBatch.bind(inner);
      inner.sendBatch = (...args: unknown[]) => { requests.push(1); return original(...args); };
      await Promise.all(Array.from({ length: 200 }, (_, i) => producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: `k${i % 7}`, value: inboundEvent(`wamid.${i}`), eventType: 'inbound.message', schemaVersion: 1 })));
      expect(requests.length).toBeLessThan(20);
      const got = await collector.waitForCount(200);
      expect(new Set(got.map((m) => (m.value as InboundMessageV1).wamid)).size).toBe(200);
      // the batched path keeps each message's own headers and key
      for (const m of got) {
        expect(m.headers['event-type']).toBe('inbound.message');
        expect(m.headers['schema-version']).toBe('1');
        expect(m.key).toBe(`k${Number((m.value as InboundMessageV1).wamid.split('.')[1]) % 7}`);
      }
    } finally {
      await collector.stop();
      await producer.close();
    }
  });

  it('delivers valid messages to @EventPattern handlers and dead-letters invalid and poison ones with the reason', async () => {
    const suffix = randomSuffix();
    const groupId = `g-${suffix}`;
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [dlqTopicFor(groupId)]);
    const handled: string[] = [];
    let failOnce = true;

    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic)
      async handle(@Payload() event: InboundMessageV1, @Ctx() ctx: KafkaEventContext): Promise<void> {
        expect(event).toBeInstanceOf(InboundMessageV1);
        if (event.wamid === 'wamid.flaky' && failOnce) {
          failOnce = false;
          throw new Error('database blinked');
        }
        if (event.wamid === 'wamid.poison') throw new PoisonMessageError('refers to nothing');
        handled.push(`${event.wamid}@${ctx.meta.attempt}`);
      }
    }
    @Module({ controllers: [Handler] })
    class TestModule {}

    const app = await NestFactory.createMicroservice(TestModule, {
      strategy: new KafkaBatchServer({ connection: testConnection(suffix), consumer: { groupId, handlerRetryBaseMs: 20 } }),
      logger: false,
    });
    configureKafkaMicroservice(app);
    await app.listen();
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    const dlq = await TopicCollector.start(dlqTopicFor(groupId), suffix);
    try {
      await producer.sendMany([
        { topic: INBOUND_MESSAGE_V1.topic, key: 'a', value: inboundEvent('wamid.ok') },
        { topic: INBOUND_MESSAGE_V1.topic, key: 'a', value: { wamid: 'wamid.bad', type: 'nope' } },
        { topic: INBOUND_MESSAGE_V1.topic, key: 'a', value: Buffer.from('{not json') },
        { topic: INBOUND_MESSAGE_V1.topic, key: 'a', value: inboundEvent('wamid.flaky') },
        { topic: INBOUND_MESSAGE_V1.topic, key: 'a', value: inboundEvent('wamid.poison') },
      ]);
      await waitFor(() => handled.length >= 2, { what: 'handled messages' });
      const dead = await dlq.waitForCount(3);
      expect(handled).toEqual(['wamid.ok@1', 'wamid.flaky@2']);
      const reasons = dead.map((m) => m.headers['dlq-reason']);
      expect(reasons[0]).toMatch(/contract violation.*type/);
      expect(reasons[1]).toMatch(/not JSON/);
      expect(reasons[2]).toMatch(/refers to nothing/);
      expect(dead[2]!.headers['dlq-source-offset']).toBe('4');
    } finally {
      await dlq.stop();
      await producer.close();
      await app.close();
    }
  });

  it('commits only handled offsets: a restarted consumer resumes after the last handled message', async () => {
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
    const make = () => NestFactory.createMicroservice(TestModule, {
      strategy: new KafkaBatchServer({ connection: testConnection(suffix), consumer: { groupId } }), logger: false,
    });
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    try {
      const first = await make();
      await first.listen();
      await producer.sendMany([1, 2, 3].map((i) => ({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent(`wamid.${i}`) })));
      await waitFor(() => seen.length === 3, { what: 'first three' });
      await first.close();
      await producer.sendMany([4, 5].map((i) => ({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent(`wamid.${i}`) })));
      const second = await make();
      await second.listen();
      await waitFor(() => seen.length >= 5, { what: 'two more' });
      await new Promise((r) => setTimeout(r, 500));
      await second.close();
      expect(seen).toEqual(['wamid.1', 'wamid.2', 'wamid.3', 'wamid.4', 'wamid.5']);
    } finally {
      await producer.close();
    }
  });

  it('keeps the handler\'s error class and message in a hybrid HTTP + Kafka app (poison goes to the DLQ at once)', async () => {
    const suffix = randomSuffix();
    const groupId = `g-${suffix}`;
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [dlqTopicFor(groupId)]);
    let calls = 0;
    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic)
      handle(): void {
        calls++;
        throw new PoisonMessageError('unknown phone number 42');
      }
    }
    @Module({ controllers: [Handler] })
    class TestModule {}
    const app = await NestFactory.create(TestModule, new FastifyAdapter(), { logger: false });
    attachKafkaConsumer(app, { connection: testConnection(suffix), consumer: { groupId } });
    await app.init();
    await app.startAllMicroservices();
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    const dlq = await TopicCollector.start(dlqTopicFor(groupId), suffix);
    try {
      await producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: 'a', value: inboundEvent('wamid.p') });
      const [dead] = await dlq.waitForCount(1);
      expect(dead!.headers['dlq-reason']).toContain('PoisonMessageError: unknown phone number 42');
      expect(calls).toBe(1);
    } finally {
      await dlq.stop();
      await producer.close();
      await app.close();
    }
  });

  it('runs the app\'s lifecycle hooks once in a hybrid HTTP + Kafka app (a consumer started in a hook joins its group once)', async () => {
    const suffix = randomSuffix();
    const groupId = `g-${suffix}`;
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [dlqTopicFor(groupId)]);
    const hooks: string[] = [];
    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic)
      handle(): void {}
    }
    @Injectable()
    class Starter implements OnModuleInit, OnApplicationBootstrap {
      onModuleInit(): void { hooks.push('init'); }
      onApplicationBootstrap(): void { hooks.push('bootstrap'); }
    }
    @Module({ controllers: [Handler], providers: [Starter] })
    class TestModule {}
    const app = await NestFactory.create(TestModule, new FastifyAdapter(), { logger: false });
    attachKafkaConsumer(app, { connection: testConnection(suffix), consumer: { groupId } });
    await app.init();
    await app.startAllMicroservices();
    try {
      expect(hooks).toEqual(['init', 'bootstrap']);
    } finally {
      await app.close();
    }
  });

  it('hands a batch handler many messages per call and isolates a poison one into the DLQ', async () => {
    const suffix = randomSuffix();
    const groupId = `g-${suffix}`;
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [dlqTopicFor(groupId)]);
    const calls: string[][] = [];
    const handled = new Set<string>();
    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic, { batch: true })
      handle(@Payload() items: KafkaBatchItem<InboundMessageV1>[]): void {
        calls.push(items.map((i) => i.payload.wamid));
        if (items.some((i) => i.payload.wamid === 'wamid.poison')) throw new PoisonMessageError('bad one');
        for (const i of items) handled.add(i.payload.wamid);
      }
    }
    @Module({ controllers: [Handler] })
    class TestModule {}
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    // Produce first so the consumer finds a whole batch waiting.
    await producer.sendMany(['a', 'b', 'poison', 'c', 'd'].map((w) => ({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent(`wamid.${w}`) })));
    const app = await NestFactory.createMicroservice(TestModule, {
      strategy: new KafkaBatchServer({ connection: testConnection(suffix), consumer: { groupId } }), logger: false,
    });
    configureKafkaMicroservice(app);
    await app.listen();
    const dlq = await TopicCollector.start(dlqTopicFor(groupId), suffix);
    try {
      const [dead] = await dlq.waitForCount(1);
      await waitFor(() => handled.size === 4, { what: 'the four good messages' });
      expect([...handled].sort()).toEqual(['wamid.a', 'wamid.b', 'wamid.c', 'wamid.d']);
      expect(dead!.headers['dlq-reason']).toContain('bad one');
      expect(calls[0]!.length).toBeGreaterThan(1);
    } finally {
      await dlq.stop();
      await producer.close();
      await app.close();
    }
  });
});
