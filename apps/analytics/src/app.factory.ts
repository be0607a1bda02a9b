import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPgUnavailable, databaseOptionsFromEnv } from '@wabridge/database';
import { createHttpApp } from '@wabridge/http';
import { attachKafkaConsumer, ConsumerOptions, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { Clock, systemClock } from '@wabridge/time';
import { AnalyticsEnv } from './analytics.env';
import { AnalyticsModule } from './analytics.module';
import { openAnalyticsDatabase } from './database/data-source';

export interface AnalyticsAppOptions {
  clock?: Clock;
  /** Overrides of the consumer settings (tests: faster retries; the rebuild: a fresh group). */
  consumer?: Partial<ConsumerOptions>;
}

const BODY_LIMIT = 64 * 1024;

/**
 * Builds the analytics service: migrations run, topics exist, the Kafka consumer is running;
 * the caller only has to `listen`.
 */
export async function createAnalyticsApp(env: AnalyticsEnv, options: AnalyticsAppOptions = {}): Promise<NestFastifyApplication> {
  const ds = await openAnalyticsDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA });
  try {
    @Module({ imports: [AnalyticsModule.forRoot(env, ds, options.clock ?? systemClock)] })
    class AnalyticsRootModule {}
    const app = await createHttpApp(AnalyticsRootModule, { logLevel: env.LOG_LEVEL, bodyLimit: BODY_LIMIT, requestTimeoutMs: env.ANALYTICS_REQUEST_TIMEOUT_MS, unavailable: isPgUnavailable });
    attachKafkaConsumer(app, {
      connection: kafkaConnectionFromEnv(env, 'analytics-consumer'),
      consumer: { groupId: env.ANALYTICS_CONSUMER_GROUP, maxBatchMessages: env.ANALYTICS_BATCH_MESSAGES, ...options.consumer },
    });
    await app.init();
    await app.startAllMicroservices();
    return app;
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    throw err;
  }
}
