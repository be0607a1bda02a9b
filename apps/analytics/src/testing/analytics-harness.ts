import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Client } from 'pg';
import { loadConfig } from '@wabridge/config';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import type { EventProducer, OutgoingEvent } from '@wabridge/kafka';
import { closeInProcess, listenInProcess, randomSuffix } from '@wabridge/testing';
import { AnalyticsEnv } from '../analytics.env';
import { createAnalyticsApp } from '../app.factory';

export const INTERNAL_TOKEN = 'test-internal-token-0123456789';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * The analytics service in-process on a fresh schema and topic suffix. One partition per topic,
 * so a sentinel event published after others is folded after them (tests wait for it, not for time).
 */
export class AnalyticsHarness {
  readonly suffix = randomSuffix('an');
  private testSchema?: TestSchema;
  env!: AnalyticsEnv;
  app!: NestFastifyApplication;
  url!: string;
  producer!: EventProducer;
  pg!: Client;

  async start(extraEnv: Record<string, string> = {}): Promise<this> {
    this.testSchema = await freshTestSchema('analytics', { url: DATABASE_URL });
    this.env = loadConfig(AnalyticsEnv, {
      INTERNAL_TOKEN, DATABASE_URL, DATABASE_SCHEMA: this.testSchema.schema, TOPIC_SUFFIX: this.suffix, KAFKA_PARTITIONS: '1',
      ANALYTICS_CONSUMER_GROUP: `analytics-${this.suffix}`, LOG_LEVEL: 'error', PORT: '0',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', ...extraEnv,
    });
    this.app = await createAnalyticsApp(this.env, { consumer: { handlerRetryBaseMs: 50 } });
    Object.assign(this, await listenInProcess(this.app, { suffix: this.suffix, clientId: 'analytics-test', databaseUrl: DATABASE_URL, schema: this.testSchema.schema }));
    return this;
  }

  async stop(): Promise<void> {
    await closeInProcess(this);
    await this.testSchema?.drop().catch(() => undefined);
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    await this.producer.sendMany(events);
  }

  async http<T = any>(method: string, path: string, opts: { tenant?: string; body?: unknown; headers?: Record<string, string>; text?: boolean } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {
      'x-internal-token': INTERNAL_TOKEN, ...(opts.tenant ? { 'x-tenant-id': opts.tenant } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}),
    };
    const res = await fetch(`${this.url}${path}`, { method, headers, body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined });
    const text = await res.text();
    if (opts.text) return { status: res.status, headers: res.headers, body: text as T };
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
}
