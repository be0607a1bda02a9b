import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { loadConfig, SecretBox } from '@wabridge/config';
import {
  AccountEventV1, ContactChangedV1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1, OutboundEventV1, StatusUpdatedV1, TopicSpec,
} from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { randomSuffix, testConnection, waitFor } from '@wabridge/testing';
import { createNotifierApp } from '../app.factory';
import { NotifierEnv } from '../notifier.env';

export const INTERNAL_TOKEN = 'test-internal-token-0123456789';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';
const box = new SecretBox(SecretBox.generateKeySpec());

let seq = 0;
/** A fresh numeric id (phone number ids must be digits). */
export function num(): string {
  return String(100000000 + Math.floor(Math.random() * 800000000) + seq++);
}

export function numberChanged(phoneNumberId: string, tenantId: string, wabaId = `waba-${phoneNumberId}`, revision = 1): NumberChangedV1 {
  return {
    phoneNumberId, tenantId, displayPhoneNumber: '15550000000', wabaId, appId: 'app-1', businessId: 'biz-1',
    status: 'active', mps: 80, tier: '250', graphBaseUrl: 'http://127.0.0.1:3100', graphApiVersion: 'v23.0',
    accessToken: box.seal('x', `number:${phoneNumberId}`) as NumberChangedV1['accessToken'], revision, updatedAt: new Date().toISOString(),
  };
}

export function inbound(phoneNumberId: string, waId: string, wamid: string, over: Partial<InboundMessageV1> = {}): InboundMessageV1 {
  return {
    wamid, type: 'text', phoneNumberId, wabaId: `waba-${phoneNumberId}`, appId: 'app-1', waId, profileName: 'Ada',
    occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(),
    raw: { from: waId, id: wamid, timestamp: '1767225600', type: 'text', text: { body: `hello ${wamid}` } }, ...over,
  };
}

export function status(phoneNumberId: string, recipientId: string, wamid: string, st: StatusUpdatedV1['status'], over: Partial<StatusUpdatedV1> = {}): StatusUpdatedV1 {
  return {
    wamid, status: st, phoneNumberId, wabaId: `waba-${phoneNumberId}`, appId: 'app-1', recipientId,
    occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(), raw: { id: wamid, status: st }, ...over,
  };
}

export function outbound(tenantId: string, phoneNumberId: string, id: string, event: OutboundEventV1['event'], over: Partial<OutboundEventV1> = {}): OutboundEventV1 {
  return { id, tenantId, phoneNumberId, recipient: '4915112345678', event, occurredAt: new Date().toISOString(), ...over };
}

export function account(wabaId: string, kind: string, over: Partial<AccountEventV1> = {}): AccountEventV1 {
  return {
    eventId: `acc-${Math.random().toString(36).slice(2)}`, field: kind.replace(/-/g, '_'), kind, wabaId, appId: 'app-1',
    occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(), value: { event: 'APPROVED' }, ...over,
  };
}

export function contactChanged(tenantId: string, phoneNumberId: string, waId: string): ContactChangedV1 {
  return { tenantId, phoneNumberId, waId, optedOut: true, reachable: true, optInState: 'opted_out', updatedAt: new Date().toISOString() };
}

export interface Reply<T = any> {
  status: number;
  body: T;
}

export function testEnv(suffix: string, schema: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    INTERNAL_TOKEN, ENCRYPTION_KEYS: SecretBox.generateKeySpec('test'), DATABASE_URL, DATABASE_SCHEMA: schema, TOPIC_SUFFIX: suffix,
    KAFKA_PARTITIONS: '3', NOTIFIER_CONSUMER_GROUP: `notifier-${suffix}`, LOG_LEVEL: 'error', PORT: '0', NODE_ENV: 'test',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', NOTIFIER_ALLOWED_TARGETS: '127.0.0.1/32',
    NOTIFIER_RETRY_SCHEDULE_MS: '0,100,200', NOTIFIER_POLL_INTERVAL_MS: '100', NOTIFIER_REQUEST_TIMEOUT_MS: '2000', ...overrides,
  };
}

/** Talks to a notifier (in-process or a child process): the internal API, the topics, its schema. */
export class NotifierClient {
  url = '';
  producer!: EventProducer;
  pg!: Client;

  constructor(readonly suffix: string, readonly schema: string) {}

  async connect(): Promise<void> {
    this.producer = new EventProducer(createKafka(testConnection(this.suffix, 'notifier-test')), this.suffix);
    await this.producer.connect();
    this.pg = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${this.schema}` });
    await this.pg.connect();
  }

  async close(): Promise<void> {
    await this.producer?.close();
    await this.pg?.end();
  }

  async publish(spec: TopicSpec, key: string, value: object, headers?: Record<string, string>): Promise<void> {
    await this.producer.send({ topic: spec.topic, key, value, headers });
  }

  /** Announces a number and waits until the notifier knows its tenant. */
  async announce(phoneNumberId: string, tenantId: string, wabaId?: string): Promise<void> {
    await this.publish(NUMBER_CHANGED_V1, phoneNumberId, numberChanged(phoneNumberId, tenantId, wabaId));
    await waitFor(async () => (await this.sql(`SELECT 1 FROM numbers WHERE phone_number_id = $1`, [phoneNumberId])).length === 1, { what: `number ${phoneNumberId} known` });
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pg.query(text, params)).rows as T[];
  }

  async http<T = any>(method: string, path: string, opts: { tenant?: string; body?: unknown; token?: string | null } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (opts.token !== null) headers['x-internal-token'] = opts.token ?? INTERNAL_TOKEN;
    if (opts.tenant) headers['x-tenant-id'] = opts.tenant;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Creates an endpoint (201 expected) and returns id and secret. */
  async endpoint(tenant: string, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const r = await this.http('POST', '/v1/webhook-endpoints', { tenant, body });
    if (r.status !== 201) throw new Error(`create endpoint answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async deliveries(tenant: string, endpointId: string): Promise<any[]> {
    const r = await this.http('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=500`, { tenant });
    if (r.status !== 200) throw new Error(`deliveries answered ${r.status}`);
    return r.body.data;
  }
}

/** The notifier in-process on a fresh schema and topic suffix. */
export class NotifierHarness extends NotifierClient {
  private testSchema?: TestSchema;
  app!: NestFastifyApplication;

  static async start(overrides: Record<string, string> = {}): Promise<NotifierHarness> {
    const testSchema = await freshTestSchema('notifier', { url: DATABASE_URL });
    const h = new NotifierHarness(randomSuffix('n'), testSchema.schema);
    h.testSchema = testSchema;
    const env = loadConfig(NotifierEnv, testEnv(h.suffix, h.schema, overrides));
    h.app = await createNotifierApp(env, { consumer: { handlerRetryBaseMs: 50 } });
    await h.app.listen(0, '127.0.0.1');
    h.url = (await h.app.getUrl()).replace('[::1]', '127.0.0.1');
    await h.connect();
    return h;
  }

  async stop(): Promise<void> {
    await this.close();
    await this.app?.close();
    await this.testSchema?.drop().catch(() => undefined);
  }
}
