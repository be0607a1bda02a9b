import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Client } from 'pg';
import { loadConfig } from '@wabridge/config';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import type { EventProducer, OutgoingEvent } from '@wabridge/kafka';
import { closeInProcess, listenInProcess, randomSuffix } from '@wabridge/testing';
import type { Clock } from '@wabridge/time';
import { createConversationsApp } from '../app.factory';
import { ConversationsEnv } from '../conversations.env';

export const INTERNAL_TOKEN = 'test-internal-token-0123456789';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';

export interface Reply<T = any> {
  status: number;
  body: T;
}

/**
 * The conversations service in-process on a fresh schema and topic suffix. One partition per
 * topic, so an event published after others on the same topic is folded after them (tests wait
 * for such sentinels, not for time).
 */
export class ConversationsHarness {
  /** `suffix`: another service's topics (e.g. the gateway's, to see its commands in the history). */
  constructor(readonly suffix = randomSuffix('cv')) {}

  private testSchema?: TestSchema;
  env!: ConversationsEnv;
  app!: NestFastifyApplication;
  url!: string;
  producer!: EventProducer;
  pg!: Client;

  async start(extraEnv: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<this> {
    this.testSchema = await freshTestSchema('conversations', { url: DATABASE_URL });
    this.env = loadConfig(ConversationsEnv, {
      INTERNAL_TOKEN, DATABASE_URL, DATABASE_SCHEMA: this.testSchema.schema, TOPIC_SUFFIX: this.suffix, KAFKA_PARTITIONS: '1',
      CONVERSATIONS_CONSUMER_GROUP: `conversations-${this.suffix}`, LOG_LEVEL: 'error', PORT: '0',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', ...extraEnv,
    });
    this.app = await createConversationsApp(this.env, { consumer: { handlerRetryBaseMs: 50 }, clock: options.clock });
    Object.assign(this, await listenInProcess(this.app, { suffix: this.suffix, clientId: 'conversations-test', databaseUrl: DATABASE_URL, schema: this.testSchema.schema }));
    return this;
  }

  async stop(): Promise<void> {
    await closeInProcess(this);
    await this.testSchema?.drop().catch(() => undefined);
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    await this.producer.sendMany(events);
  }

  async http<T = any>(method: string, path: string, opts: { tenant?: string; body?: unknown; token?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {
      'x-internal-token': opts.token ?? INTERNAL_TOKEN, ...(opts.tenant ? { 'x-tenant-id': opts.tenant } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    const res = await fetch(`${this.url}${path}`, { method, headers, body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}
