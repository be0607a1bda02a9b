import 'reflect-metadata';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { dlqTopicFor, INBOUND_MESSAGE_V1, InboundMessageV1, topicName } from '@wabridge/contracts';
import { createServiceDataSource, freshTestSchema, type TestSchema } from '@wabridge/database';
import { metricsRegistry, ObservabilityModule } from '@wabridge/telemetry';
import { createTestTopics, randomSuffix, testConnection, TopicCollector, waitFor } from '@wabridge/testing';
import type { DataSource } from 'typeorm';
import { attachKafkaConsumer, createKafka, EventProducer } from '../index';
import { inboundEvent } from '../testing/inbound-event';

/**
 * A TCP forwarder to the shared Postgres that can be "stopped" (listener closed, every
 * connection cut) and started again on the same port: an outage of the database as the
 * consumer sees it (ECONNREFUSED, "Connection terminated unexpectedly"), without stopping the
 * shared server.
 */
class PostgresOutage {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('consumer during a database outage (real broker, real Postgres behind a cut-able link)', () => {
  let schema: TestSchema;
  let outage: PostgresOutage;
  let ds: DataSource;

  beforeAll(async () => {
    schema = await freshTestSchema('kafka_outage');
    const target = new URL(schema.url);
    outage = new PostgresOutage({ host: target.hostname, port: Number(target.port || 5432) });
    await outage.up();
    const viaLink = new URL(schema.url);
    viaLink.port = String(outage.port);
    ds = createServiceDataSource({ url: viaLink.toString(), schema: schema.schema, poolSize: 2 });
    await ds.initialize();
    await ds.query(`CREATE TABLE handled (seq serial PRIMARY KEY, wamid text NOT NULL UNIQUE CHECK (wamid NOT LIKE '%.bad'))`);
  });

  afterAll(async () => {
    await outage.up().catch(() => undefined);
    if (ds?.isInitialized) await ds.destroy();
    await outage.down();
    await schema.drop();
  });

  it('waits out an outage 50x longer than its give-up budget: nothing dead-lettered, order kept, not ready meanwhile; a bad row still goes to the DLQ', async () => {
    const suffix = randomSuffix();
    const groupId = `outage-${suffix}`;
    await createTestTopics(suffix, [INBOUND_MESSAGE_V1], [dlqTopicFor(groupId)]);

    @Controller()
    class Handler {
      @EventPattern(INBOUND_MESSAGE_V1.topic)
      async handle(@Payload() e: InboundMessageV1): Promise<void> {
        await ds.query(`INSERT INTO handled (wamid) VALUES ($1) ON CONFLICT (wamid) DO NOTHING`, [e.wamid]);
      }
    }
    @Module({ imports: [ObservabilityModule.forRoot({ serviceName: 'outage-test' })], controllers: [Handler] })
    class TestModule {}

    const app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
    // Give-up budget before ADR 0060 with these settings: 3 attempts, 20 + 40 ms of backoff.
    attachKafkaConsumer(app, {
      connection: testConnection(suffix),
      consumer: { groupId, maxHandlerAttempts: 3, handlerRetryBaseMs: 20, dependencyRetryMaxMs: 200 },
    });
    await app.init();
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const producer = new EventProducer(createKafka(testConnection(suffix)), suffix);
    const dlq = await TopicCollector.start(dlqTopicFor(groupId), suffix);
    const ready = async () => {
      const res = await fetch(`${url}/health/ready`);
      return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
    };
    const retries = async () => {
      const metric = (await metricsRegistry.getSingleMetric('kafka_consumer_dependency_retries_total')?.get())?.values ?? [];
      return metric.filter((v) => v.labels['group'] === groupId).reduce((n, v) => n + v.value, 0);
    };
    try {
      await producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.0') });
      await waitFor(async () => ((await ds.query(`SELECT count(*)::int AS n FROM handled`)) as { n: number }[])[0]!.n === 1, { what: 'first row' });
      expect((await ready()).status).toBe(200);

      await outage.down();
      const cutAt = Date.now();
      const wamids = Array.from({ length: 20 }, (_, i) => `wamid.${i + 1}`);
      await producer.sendMany(wamids.map((w) => ({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent(w) })));

      const during = await waitFor(async () => {
        const r = await ready();
        return r.status === 503 ? r : undefined;
      }, { what: 'readiness to fail during the outage' });
      expect(during.body.checks[`consumer:${groupId}`]).toMatch(/waiting for a dependency since .*(ECONNREFUSED|Connection terminated)/);
      await waitFor(async () => (await retries()) >= 10, { what: 'dependency retries to be counted' });

      // 3 s of outage, ~50 x the old budget (and many capped retries).
      await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - cutAt))));
      await outage.up();

      await waitFor(async () => ((await ds.query(`SELECT count(*)::int AS n FROM handled`)) as { n: number }[])[0]!.n === 21, { what: 'every message handled after the outage', timeoutMs: 30000 });
      const rows = (await ds.query(`SELECT wamid FROM handled ORDER BY seq`)) as { wamid: string }[];
      expect(rows.map((r) => r.wamid)).toEqual(['wamid.0', ...wamids]);
      await waitFor(async () => ((await ready()).status === 200 ? true : undefined), { what: 'ready again' });

      // Nothing was dead-lettered: the DLQ topic is still empty.
      const admin = createKafka(testConnection(suffix)).admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topicName(dlqTopicFor(groupId), suffix));
      await admin.disconnect();
      expect(ends.map((p) => Number(p.high))).toEqual(ends.map(() => 0));

      // A deterministic failure (check constraint) with the database up still goes to the DLQ.
      await producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: 'k', value: inboundEvent('wamid.bad') });
      const [dead] = await dlq.waitForCount(1);
      expect(dead!.headers['dlq-reason']).toMatch(/after 3 attempt\(s\) \(deterministic\).*check constraint/);
      expect(dead!.headers['dlq-source-offset']).toBe('21');
    } finally {
      await dlq.stop();
      await producer.close();
      await app.close();
    }
  });
});
