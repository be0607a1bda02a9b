import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { accessTokenAad, loadConfig, SecretBox } from '@wabridge/config';
import { NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import type { EventProducer } from '@wabridge/kafka';
import { closeInProcess, listenInProcess, randomSuffix, waitFor } from '@wabridge/testing';
import { createMediaApp } from '../app.factory';
import { MediaEnv } from '../media.env';
import { createSandboxApp } from '@wabridge/sandbox';

export const INTERNAL_TOKEN = 'test-internal-token-0123456789';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';


export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Meta's stand-in on 127.0.0.1:0 with the given numbers (webhooks swallowed, or handed to `onWebhook` parsed). */
export async function startSandbox(
  numbers: { phoneNumberId: string; wabaId: string; accessToken: string }[],
  options: { onWebhook?: (body: any) => void; settings?: Record<string, unknown> } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const app = await createSandboxApp({
    logger: false,
    ...(options.settings ? { settings: options.settings } : {}),
    poster: async (_url: string, raw: Buffer) => {
      options.onWebhook?.(JSON.parse(raw.toString('utf8')));
      return 200;
    },
    numbers: numbers.map((n) => ({ ...n, displayPhoneNumber: '15550100000', appSecret: 'sandbox-secret', callbackUrl: 'http://127.0.0.1:9/unused' })),
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The media service in-process on a fresh schema, topic suffix and storage directory. */
export class MediaHarness {
  readonly suffix = randomSuffix('m');
  box!: SecretBox;
  private keySpec = '';
  private testSchema?: TestSchema;
  app!: NestFastifyApplication;
  url!: string;
  storageDir!: string;
  producer!: EventProducer;
  pg!: Client;

  /** `extraEnv`: extra variables for this media service (e.g. MEDIA_LINK_ALLOWED_TARGETS). */
  async start(extraEnv: Record<string, string> = {}): Promise<this> {
    this.keySpec = SecretBox.generateKeySpec();
    this.box = new SecretBox(this.keySpec);
    this.testSchema = await freshTestSchema('media', { url: DATABASE_URL });
    this.storageDir = await mkdtemp(join(tmpdir(), 'media-test-'));
    const env = loadConfig(MediaEnv, {
      INTERNAL_TOKEN, DATABASE_URL, DATABASE_SCHEMA: this.testSchema.schema, TOPIC_SUFFIX: this.suffix, KAFKA_PARTITIONS: '3',
      MEDIA_CONSUMER_GROUP: `media-${this.suffix}`, LOG_LEVEL: 'error', PORT: '0', ENCRYPTION_KEYS: this.keySpec,
      MEDIA_STORAGE_DIR: this.storageDir, MEDIA_GRAPH_TIMEOUT_MS: '10000', KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', ...extraEnv,
    });
    this.app = await createMediaApp(env, { consumer: { handlerRetryBaseMs: 50 } });
    Object.assign(this, await listenInProcess(this.app, { suffix: this.suffix, clientId: 'media-test', databaseUrl: DATABASE_URL, schema: this.testSchema.schema }));
    return this;
  }

  async stop(): Promise<void> {
    await closeInProcess(this);
    await this.testSchema?.drop().catch(() => undefined);
    if (this.storageDir) await rm(this.storageDir, { recursive: true, force: true });
  }

  /** Publishes a number's config (token sealed as the gateway does) and waits until it is applied. */
  async announceNumber(n: { phoneNumberId: string; tenantId: string; graphBaseUrl: string; accessToken: string }): Promise<void> {
    const revision = 1;
    const event: NumberChangedV1 = {
      phoneNumberId: n.phoneNumberId, tenantId: n.tenantId, displayPhoneNumber: '15550100000', wabaId: 'waba-1', appId: 'app-1', businessId: 'biz-1',
      status: 'active', mps: 80, tier: '250', graphBaseUrl: n.graphBaseUrl, graphApiVersion: 'v23.0',
      accessToken: this.box.seal(n.accessToken, accessTokenAad({ phoneNumberId: n.phoneNumberId, graphBaseUrl: n.graphBaseUrl, revision })) as NumberChangedV1['accessToken'],
      revision, updatedAt: new Date().toISOString(),
    };
    await this.producer.send({ topic: NUMBER_CHANGED_V1.topic, key: n.phoneNumberId, value: event });
    await waitFor(async () => (await this.pg.query('SELECT 1 FROM numbers WHERE phone_number_id = $1', [n.phoneNumberId])).rowCount === 1, { timeoutMs: 30000, what: `number ${n.phoneNumberId} applied` });
  }

  async http<T = any>(method: string, path: string, opts: { tenant?: string; body?: RequestInit['body']; headers?: Record<string, string>; raw?: boolean } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { 'x-internal-token': INTERNAL_TOKEN, ...(opts.tenant ? { 'x-tenant-id': opts.tenant } : {}), ...(opts.headers ?? {}) };
    const init: RequestInit & { duplex?: 'half' } = { method, headers, body: opts.body };
    if (opts.body instanceof ReadableStream) init.duplex = 'half';
    const res = await fetch(`${this.url}${path}`, init);
    if (opts.raw) return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) as T };
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
}
