import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPgUnavailable, databaseOptionsFromEnv } from '@wabridge/database';
import { attachKafkaConsumer, ConsumerOptions, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { createHttpApp } from '@wabridge/http';
import { Clock, systemClock } from '@wabridge/time';
import { openNotifierDatabase } from './database/data-source';
import { NotifierEnv } from './notifier.env';
import { NotifierModule } from './notifier.module';

export interface NotifierAppOptions {
  clock?: Clock;
  /** Overrides of the consumer settings (tests: faster retries). */
  consumer?: Partial<ConsumerOptions>;
}

/**
 * Builds the notifier: migrations run, topics exist, the Kafka consumer and the delivery worker
 * are running; the caller only has to `listen`. Tests boot it in-process with a test schema and suffix.
 */
export async function createNotifierApp(env: NotifierEnv, options: NotifierAppOptions = {}): Promise<NestFastifyApplication> {
  const ds = await openNotifierDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA });
  try {
    @Module({ imports: [NotifierModule.forRoot(env, ds, options.clock ?? systemClock)] })
    class NotifierRootModule {}
    const app = await createHttpApp(NotifierRootModule, { logLevel: env.LOG_LEVEL, bodyLimit: 256 * 1024, unavailable: isPgUnavailable });
    attachKafkaConsumer(app, {
      connection: kafkaConnectionFromEnv(env, 'notifier-consumer'),
      consumer: { groupId: env.NOTIFIER_CONSUMER_GROUP, partitionsConsumedConcurrently: env.NOTIFIER_CONSUMER_CONCURRENCY, ...options.consumer },
    });
    await app.init();
    await app.startAllMicroservices();
    return app;
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    throw err;
  }
}
