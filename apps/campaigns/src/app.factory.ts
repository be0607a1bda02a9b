import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { isPgUnavailable, databaseOptionsFromEnv } from '@wabridge/database';
import { createHttpApp } from '@wabridge/http';
import { attachKafkaConsumer, ConsumerOptions, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { Clock, systemClock } from '@wabridge/time';
import { CampaignsEnv } from './campaigns.env';
import { CampaignsModule } from './campaigns.module';
import { openCampaignsDatabase } from './database/data-source';

export interface CampaignsAppOptions {
  clock?: Clock;
  /** Overrides of the consumer settings (tests: faster retries). */
  consumer?: Partial<ConsumerOptions>;
}

/** Campaign bodies carry at most CAMPAIGNS_MAX_LISTED_RECIPIENTS ids (10,000 × ~30 bytes by default). */
const BODY_LIMIT = 2 * 1024 * 1024;

/**
 * Builds the campaigns service: migrations run, topics exist, the Kafka consumer is running
 * (from the beginning of its topics: the numbers' compacted state); the caller only has to `listen`.
 */
export async function createCampaignsApp(env: CampaignsEnv, options: CampaignsAppOptions = {}): Promise<NestFastifyApplication> {
  const ds = await openCampaignsDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA });
  try {
    @Module({ imports: [CampaignsModule.forRoot(env, ds, options.clock ?? systemClock)] })
    class CampaignsRootModule {}
    const app = await createHttpApp(CampaignsRootModule, {
      logLevel: env.LOG_LEVEL, bodyLimit: BODY_LIMIT, requestTimeoutMs: env.CAMPAIGNS_REQUEST_TIMEOUT_MS, unavailable: isPgUnavailable,
    });
    // `PUT /v1/campaigns/:id/parameters` reads its CSV as a stream (bounded there, ADR 0156)
    app.getHttpAdapter().getInstance().addContentTypeParser('text/csv', (_req: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) => done(null, payload));
    attachKafkaConsumer(app, {
      connection: kafkaConnectionFromEnv(env, 'campaigns-consumer'),
      consumer: { groupId: env.CAMPAIGNS_CONSUMER_GROUP, maxBatchMessages: env.CAMPAIGNS_BATCH_MESSAGES, fromBeginning: true, ...options.consumer },
    });
    await app.init();
    await app.startAllMicroservices();
    return app;
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    throw err;
  }
}
