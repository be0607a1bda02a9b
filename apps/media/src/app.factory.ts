import multipart from '@fastify/multipart';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPgUnavailable, databaseOptionsFromEnv } from '@wabridge/database';
import { createHttpApp } from '@wabridge/http';
import { attachKafkaConsumer, ConsumerOptions, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { Clock, systemClock } from '@wabridge/time';
import { openMediaDatabase } from './database/data-source';
import { MediaEnv } from './media.env';
import { MediaModule } from './media.module';
import { openMediaStorage } from './storage/open-storage';
import { registerUploadBodyParsers } from './upload/body-parsers';
import { MAX_MEDIA_BYTES } from './upload/media-kinds';

export interface MediaAppOptions {
  clock?: Clock;
  /** Overrides of the consumer settings (tests: faster retries). */
  consumer?: Partial<ConsumerOptions>;
}

const BODY_LIMIT = 1024 * 1024;

/**
 * Builds the media service: migrations run, storage directory exists, topics exist, the Kafka
 * consumer is running; the caller only has to `listen`.
 */
export async function createMediaApp(env: MediaEnv, options: MediaAppOptions = {}): Promise<NestFastifyApplication> {
  const storage = await openMediaStorage(env);
  const ds = await openMediaDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA });
  try {
    @Module({ imports: [MediaModule.forRoot(env, ds, storage, options.clock ?? systemClock)] })
    class MediaRootModule {}
    const app = await createHttpApp(MediaRootModule, { logLevel: env.LOG_LEVEL, bodyLimit: BODY_LIMIT, requestTimeoutMs: env.MEDIA_REQUEST_TIMEOUT_MS, unavailable: isPgUnavailable });
    // our own limit per kind answers first (413 with the kind's limit); this one only bounds the parser
    await app.register(multipart, { limits: { fileSize: MAX_MEDIA_BYTES + 1024 * 1024, files: 1, fields: 10, parts: 12 } });
    attachKafkaConsumer(app, {
      connection: kafkaConnectionFromEnv(env, 'media-consumer'),
      // a batch claims its media at once: a few waves of fetches at most, so none waits long under its lease
      consumer: { groupId: env.MEDIA_CONSUMER_GROUP, maxBatchMessages: env.MEDIA_INBOUND_CONCURRENCY * 4, ...options.consumer },
    });
    await app.init();
    registerUploadBodyParsers(app.getHttpAdapter().getInstance());
    await app.startAllMicroservices();
    return app;
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    throw err;
  }
}
