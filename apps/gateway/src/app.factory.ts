import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wabridge/config';
import { databaseOptionsFromEnv, isPgUnavailable } from '@wabridge/database';
import { createHttpApp, httpsFromEnv, parseJsonUnlessStreamed } from '@wabridge/http';
import { dlqTopicFor, topicName } from '@wabridge/contracts';
import { attachKafkaConsumer, createKafka, ensureTopics, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { GATEWAY_CONSUMED_TOPICS, GATEWAY_TOPICS, GatewayModule } from './app.module';
import { GatewayEnv, resolveSecrets, ResolvedGatewayEnv } from './config/gateway.env';
import { openGatewayDatabase } from './database/gateway-data-source';
import { isBulkImport, isStreamedUpload } from './forwarding/forwarding.service';
import { installRequestDeadlines } from './forwarding/request-deadline';
import { skipOwnCommands } from './messages/message-projection.service';
import { setupOpenApi } from './openapi';
import { Clock } from './auth/rate-limiter';
import { ManagementServer } from '@wabridge/telemetry';

export interface GatewayApp {
  app: NestFastifyApplication;
  db: DataSource;
  env: ResolvedGatewayEnv;
  /** `http://host:port` once listening. */
  url: string;
  /** The management listener (`/health/*`, `/metrics`; ADR 0074). */
  managementUrl: string;
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  /** Print dev defaults and the URL (main.ts); tests stay quiet. */
  print?: (line: string) => void;
  /** Start the Kafka consumers (projection, template status); default true. */
  consume?: boolean;
  /** Time source of the app (tests pass a ManualClock from @wabridge/time); default the system clock. */
  clock?: Clock;
}

/**
 * Boots the gateway: database + migrations, Nest app on Fastify, Kafka producer (topics
 * created at boot) and the projection consumer; listens on HOST:PORT (PORT=0 → a free port).
 */
export async function createGatewayApp(rawEnv: Record<string, string | undefined>, options: CreateGatewayOptions = {}): Promise<GatewayApp> {
  const env = resolveSecrets(loadConfig(GatewayEnv, rawEnv), options.print);
  if (options.consume !== false) await prepareTopics(env);
  const db = await openGatewayDatabase({ ...databaseOptionsFromEnv(env), schema: env.DATABASE_SCHEMA, poolSize: env.DB_POOL_SIZE });
  let app: NestFastifyApplication;
  try {
    const longest = Math.max(env.REQUEST_TIMEOUT_MS, env.FORWARD_IMPORT_TIMEOUT_MS);
    app = await createHttpApp(GatewayModule.forRoot(env, db, options.clock), { bodyLimit: env.BODY_LIMIT_BYTES, logLevel: env.LOG_LEVEL, requestTimeoutMs: longest + 1000, unavailable: isPgUnavailable, https: httpsFromEnv(env),
      // a text document uploaded as raw bytes streams to the media service like any other file
      acceptsBodyType: (req, type) => type === 'text/plain' && isBulkImport('media', req.method, req.url) });
    const fastify = app.getHttpAdapter().getInstance();
    // Bodies of other content types (media uploads) are not parsed: they stream to the service.
    // So does text: Fastify's text parser decoded it as UTF-8 under the JSON body limit, so a
    // text document of over 1 MiB or in another encoding never reached the media service as
    // it was (ADR 0224); the gateway's own routes refuse text bodies (415).
    fastify.removeContentTypeParser('text/plain');
    fastify.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    // every streamed upload gets the upload deadline, a campaign's parameters CSV too (docs/gateway.md said so; it got 30 s)
    installRequestDeadlines(fastify, (method, url) => (isStreamedUpload(method, url) ? env.FORWARD_IMPORT_TIMEOUT_MS : env.REQUEST_TIMEOUT_MS));
    setupOpenApi(app);
    if (options.consume !== false) {
      attachKafkaConsumer(app, {
        connection: kafkaConnectionFromEnv(env, 'gateway-consumer'),
        consumer: { groupId: env.CONSUMER_GROUP, partitionsConsumedConcurrently: 3, ...GATEWAY_FETCH },
        // the gateway's own commands are in its table already: not decoded, only passed over (ADR 0196)
        skip: skipOwnCommands,
      });
      await app.startAllMicroservices();
    }
    await app.init();
    // after init, where Nest registers its JSON parser: a JSON upload (a contacts import array)
    // streams to its service under the upload cap instead of being parsed here (ADR 0224)
    parseJsonUnlessStreamed(fastify, env.BODY_LIMIT_BYTES, (req) => isStreamedUpload(req.method, req.url));
    await app.listen({ port: env.PORT, host: env.HOST });
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw err;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = `http://${env.HOST}:${port}`;
  const managementUrl = await app.get(ManagementServer).url();
  return {
    app, db, env, url, managementUrl,
    async close() {
      await app.close();
      await db.destroy().catch(() => undefined);
    },
  };
}

/**
 * The consumer's fetches wait for 64 KiB or 200 ms (ADR 0116). With kafkajs' defaults (1 byte)
 * every accepted send's produce woke a fetch of the gateway's own command topic — a fetch, its
 * decoding and an offset commit per group commit, only to pass over its own commands (ADR 0196).
 * Commands of internal producers, outbound events and erasures are recorded up to 200 ms later.
 * An event fetched before its command is parked until the command makes the row (ADR 0138).
 */
export const GATEWAY_FETCH = { minBytes: 64 * 1024, maxWaitTimeMs: 200 } as const;

/** Creates the topics (as KafkaModule would at init) and waits until the consumer can subscribe. */
async function prepareTopics(env: ResolvedGatewayEnv): Promise<void> {
  // KAFKA_CREATE_TOPICS=false: Strimzi owns them; the consumer names missing ones in readiness.
  if (!env.KAFKA_CREATE_TOPICS) return;
  const kafka = createKafka(kafkaConnectionFromEnv(env, 'gateway-admin'));
  await ensureTopics(kafka, GATEWAY_TOPICS, { suffix: env.TOPIC_SUFFIX, partitions: env.KAFKA_PARTITIONS, extraTopics: [dlqTopicFor(env.CONSUMER_GROUP)] });
  await waitForTopicMetadata(env, GATEWAY_CONSUMED_TOPICS.map((t) => topicName(t.topic, env.TOPIC_SUFFIX)));
}

/**
 * Topics created a moment ago (by KafkaModule at init) can still be unknown to the broker's
 * metadata cache, and kafkajs' subscribe fails at once on that ("does not host this
 * topic-partition"). Wait until every partition has a leader in a fresh metadata response.
 */
async function waitForTopicMetadata(env: ResolvedGatewayEnv, topics: string[], timeoutMs = 20000): Promise<void> {
  const admin = createKafka(kafkaConnectionFromEnv(env, 'gateway-admin')).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics });
        if (meta.topics.length === topics.length && meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`Kafka topics not ready: ${topics.join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
