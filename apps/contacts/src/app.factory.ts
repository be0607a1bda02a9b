import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { attachKafkaConsumer, ConsumerOptions, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { isPgUnavailable, databaseOptionsFromEnv } from '@wabridge/database';
import { createHttpApp } from '@wabridge/http';
import { Clock, systemClock } from './common/clock';
import { ContactsEnv } from './contacts.env';
import { ContactsModule } from './contacts.module';
import { openContactsDatabase } from './database/data-source';
import { registerImportBodyParsers } from './import/import-body-parsers';

export interface ContactsAppOptions {
  clock?: Clock;
  /** Overrides of the consumer settings (tests: faster retries). */
  consumer?: Partial<ConsumerOptions>;
}

const BODY_LIMIT = 1024 * 1024;

/**
 * Builds the contacts service: migrations run, topics exist, the Kafka consumer is running;
 * the caller only has to `listen`. Tests boot it in-process with a test schema and suffix.
 */
export async function createContactsApp(env: ContactsEnv, options: ContactsAppOptions = {}): Promise<NestFastifyApplication> {
  const ds = await openContactsDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA });
  try {
    @Module({ imports: [ContactsModule.forRoot(env, ds, options.clock ?? systemClock)] })
    class ContactsRootModule {}
    const app = await createHttpApp(ContactsRootModule, { logLevel: env.LOG_LEVEL, bodyLimit: BODY_LIMIT, requestTimeoutMs: env.CONTACTS_REQUEST_TIMEOUT_MS, unavailable: isPgUnavailable });
    attachKafkaConsumer(app, {
      connection: kafkaConnectionFromEnv(env, 'contacts-consumer'),
      consumer: { groupId: env.CONTACTS_CONSUMER_GROUP, partitionsConsumedConcurrently: env.CONTACTS_CONSUMER_CONCURRENCY, ...options.consumer },
    });
    await app.init();
    // after init: Nest registers its JSON parser there, and ours replaces it
    registerImportBodyParsers(app.getHttpAdapter().getInstance(), BODY_LIMIT);
    await app.startAllMicroservices();
    return app;
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    throw err;
  }
}
