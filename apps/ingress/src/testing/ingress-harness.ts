import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@wabridge/config';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { ManagementServer } from '@wabridge/telemetry';
import { randomSuffix, TEST_BROKERS } from '@wabridge/testing';
import { createIngressApp } from '../app.factory';
import { IngressEnv } from '../ingress.env';

export const APP_ID = 'test-app';
export const APP_SECRET = 'test-app-secret-0123456789';
export const VERIFY_TOKEN = 'test-verify-token';

export interface IngressHarness {
  app: NestFastifyApplication;
  url: string;
  /** `/health/*` and `/metrics` (ADR 0074). */
  managementUrl: string;
  suffix: string;
  schema: TestSchema;
  env: IngressEnv;
  close(): Promise<void>;
}

/** Ingress in-process on a random port, with its own topic suffix and Postgres schema. */
export async function startIngress(overrides: Record<string, string> = {}): Promise<IngressHarness> {
  const suffix = randomSuffix('ing');
  const schema = await freshTestSchema('ingress');
  const env = loadConfig(IngressEnv, {
    PORT: '0', KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '3',
    DATABASE_URL: schema.url, META_APP_ID: APP_ID, META_APP_SECRET: APP_SECRET, META_VERIFY_TOKEN: VERIFY_TOKEN,
    NORMALIZER_GROUP_ID: `ingress-normalizer-${suffix}`, LOG_LEVEL: 'silent', MANAGEMENT_PORT: '0', ...overrides,
  });
  const app = await createIngressApp(env, schema.schema);
  await app.init(); // creates topics before the consumers subscribe
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const managementUrl = await app.get(ManagementServer).url();
  return {
    app, url, managementUrl, suffix, schema, env,
    close: async () => {
      await app.close();
      await schema.drop();
    },
  };
}
