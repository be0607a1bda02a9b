import { join } from 'node:path';
import { loadConfig } from '@wabridge/config';
import { freshTestSchema } from '@wabridge/database';
import { TEST_DATABASE_URL } from './gateway-harness';

// The dispatcher is an app, not a lib: loaded by path, as test/sandbox.ts loads the sandbox
// (test code only; a computed require keeps tsc from compiling it into the gateway's program).
const root = join(__dirname, '..', '..', '..', 'dispatcher', 'src');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { createDispatcherApp } = require(join(root, 'app.factory')) as {
  createDispatcherApp(env: unknown): Promise<{ dataSource: { query(sql: string, params?: unknown[]): Promise<unknown[]> }; close(): Promise<void> }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { DispatcherEnv } = require(join(root, 'dispatcher.env')) as { DispatcherEnv: new () => object };

/** What the dispatcher's state store holds for a number: the values its limiter and hold use. */
export interface DispatcherNumber {
  mps: number;
  tier: string;
  status: string;
  paused_reason: string | null;
  revision: number;
}

export interface RunningDispatcher {
  number(phoneNumberId: string): Promise<DispatcherNumber | undefined>;
  close(): Promise<void>;
}

/** The dispatcher in-process on the gateway's topics (same suffix and encryption keys), own schema. */
export async function startDispatcher(suffix: string, encryptionKeys: string): Promise<RunningDispatcher> {
  const schema = await freshTestSchema('disp', { url: TEST_DATABASE_URL });
  const app = await createDispatcherApp(loadConfig(DispatcherEnv, {
    NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: '0', TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '3',
    DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema.schema, ENCRYPTION_KEYS: encryptionKeys, KAFKA_GROUP_ID: `dispatcher-${suffix}`,
  }));
  return {
    async number(phoneNumberId) {
      const rows = (await app.dataSource.query('SELECT mps, tier, status, paused_reason, revision FROM numbers WHERE phone_number_id = $1', [phoneNumberId])) as DispatcherNumber[];
      return rows[0];
    },
    async close() {
      await app.close();
      await schema.drop().catch(() => undefined);
    },
  };
}
