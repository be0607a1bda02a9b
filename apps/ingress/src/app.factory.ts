import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { APP_CHANGED_V1, NUMBER_CHANGED_V1, WEBHOOK_RECEIVED_V1 } from '@wabridge/contracts';
import { createServiceDataSource, runMigrations } from '@wabridge/database';
import { createHttpApp, httpsFromEnv } from '@wabridge/http';
import { attachKafkaConsumer, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { IngressEnv } from './ingress.env';
import { IngressModule } from './ingress.module';
import { CreateProcessedEvents1764000000000 } from './migrations/1764000000000-CreateProcessedEvents';

export const INGRESS_MIGRATIONS = [CreateProcessedEvents1764000000000];

/**
 * Builds the ingress app: webhook endpoint + normalizer consumer + app-registry reader.
 * Webhook bodies are kept as raw bytes (signatures are over bytes, not parsed JSON).
 */
export async function createIngressApp(env: IngressEnv, schema = env.DATABASE_SCHEMA): Promise<NestFastifyApplication> {
  const dataSource = createServiceDataSource({ url: env.DATABASE_URL, schema, migrations: INGRESS_MIGRATIONS, entities: [], startupOptions: env.DATABASE_STARTUP_OPTIONS });
  await dataSource.initialize();
  await runMigrations(dataSource);

  const app = await createHttpApp(IngressModule.forRoot(env, dataSource), {
    bodyLimit: env.WEBHOOK_BODY_LIMIT,
    logLevel: env.LOG_LEVEL,
    // Every body stays a Buffer: the signature check needs the exact bytes Meta signed.
    rawBodies: true,
    // Meta delivers webhooks over HTTPS only: TLS here when no ingress controller terminates it.
    https: httpsFromEnv(env),
  });

  const connection = kafkaConnectionFromEnv(env, 'ingress');
  attachKafkaConsumer(app, { connection, consumer: { groupId: env.NORMALIZER_GROUP_ID }, topics: [WEBHOOK_RECEIVED_V1.topic] });
  // Every instance reads the whole compacted app and number registry (which app signs for which
  // number/WABA, ADR 0071), so its group is its own.
  attachKafkaConsumer(app, {
    connection,
    consumer: { groupId: `ingress-apps-${randomBytes(6).toString('hex')}`, fromBeginning: true },
    topics: [APP_CHANGED_V1.topic, NUMBER_CHANGED_V1.topic],
  });
  return app;
}
