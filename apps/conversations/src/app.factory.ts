import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPgUnavailable, databaseOptionsFromEnv } from '@wabridge/database';
import { createHttpApp } from '@wabridge/http';
import { attachKafkaConsumer, ConsumerOptions, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { Clock, systemClock } from '@wabridge/time';
import { ConversationsEnv } from './conversations.env';
import { ConversationsModule } from './conversations.module';
import { openConversationsDatabase } from './database/data-source';

export interface ConversationsAppOptions {
  clock?: Clock;
  /** Overrides of the consumer settings (tests: faster retries). */
  consumer?: Partial<ConsumerOptions>;
}

const BODY_LIMIT = 64 * 1024;

/**
 * Builds the conversations service: migrations run, topics exist, the Kafka consumer is running;
 * the caller only has to `listen`.
 */
export async function createConversationsApp(env: ConversationsEnv, options: ConversationsAppOptions = {}): Promise<NestFastifyApplication> {
  const ds = await openConversationsDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA });
  try {
    @Module({ imports: [ConversationsModule.forRoot(env, ds, options.clock ?? systemClock)] })
    class ConversationsRootModule {}
    const app = await createHttpApp(ConversationsRootModule, {
      logLevel: env.LOG_LEVEL, bodyLimit: BODY_LIMIT, requestTimeoutMs: env.CONVERSATIONS_REQUEST_TIMEOUT_MS, unavailable: isPgUnavailable,
    });
    attachKafkaConsumer(app, {
      connection: kafkaConnectionFromEnv(env, 'conversations-consumer'),
      consumer: { groupId: env.CONVERSATIONS_CONSUMER_GROUP, maxBatchMessages: env.CONVERSATIONS_BATCH_MESSAGES, ...options.consumer },
    });
    await app.init();
    await app.startAllMicroservices();
    return app;
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    throw err;
  }
}
