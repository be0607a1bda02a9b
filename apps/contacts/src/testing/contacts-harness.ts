import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { loadConfig, SecretBox } from '@wabridge/config';
import {
  CONTACT_CHANGED_V1, CONTACT_ERASED_V1, ContactChangedV1, ContactErasedV1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1,
  StatusUpdatedV1, TopicSpec,
} from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { randomSuffix, testConnection, TopicCollector } from '@wabridge/testing';
import { createContactsApp } from '../app.factory';
import { ManualClock } from '../common/clock';
import { ContactsEnv } from '../contacts.env';

export const INTERNAL_TOKEN = 'test-internal-token-0123456789';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';
const box = new SecretBox(SecretBox.generateKeySpec());

export function numberChanged(phoneNumberId: string, tenantId: string, revision = 1): NumberChangedV1 {
  return {
    phoneNumberId, tenantId, displayPhoneNumber: '15550000000', wabaId: 'waba-1', appId: 'app-1', businessId: 'biz-1',
    status: 'active', mps: 80, tier: '250', graphBaseUrl: 'http://127.0.0.1:3100', graphApiVersion: 'v23.0',
    accessToken: box.seal('x', `number:${phoneNumberId}`) as NumberChangedV1['accessToken'], revision,
    updatedAt: new Date().toISOString(),
  };
}

export function inbound(over: Partial<InboundMessageV1> & { wamid: string; phoneNumberId: string }): InboundMessageV1 {
  return {
    type: 'text', wabaId: 'waba-1', appId: 'app-1', occurredAt: '2026-01-01T10:00:00.000Z', receivedAt: '2026-01-01T10:00:01.000Z',
    raw: { id: over.wamid, type: over.type ?? 'text', text: { body: 'hello' } }, ...over,
  };
}

export function status(over: Partial<StatusUpdatedV1> & { wamid: string; phoneNumberId: string; status: StatusUpdatedV1['status'] }): StatusUpdatedV1 {
  return { wabaId: 'waba-1', appId: 'app-1', occurredAt: '2026-01-01T10:00:00.000Z', receivedAt: '2026-01-01T10:00:01.000Z', raw: {}, ...over };
}

export interface Reply<T = any> {
  status: number;
  body: T;
}

/** The contacts service in-process on a fresh schema and topic suffix, with a hand-moved clock. */
export class ContactsHarness {
  readonly clock = new ManualClock(new Date('2026-01-01T12:00:00.000Z'));
  readonly suffix = randomSuffix('c');
  schema!: string;
  private testSchema?: TestSchema;
  app!: NestFastifyApplication;
  url!: string;
  producer!: EventProducer;
  changed!: TopicCollector<ContactChangedV1>;
  erased!: TopicCollector<ContactErasedV1>;
  pg!: Client;

  async start(envOverrides: Record<string, string> = {}): Promise<this> {
    this.testSchema = await freshTestSchema('contacts', { url: DATABASE_URL });
    this.schema = this.testSchema.schema;
    const env = loadConfig(ContactsEnv, {
      INTERNAL_TOKEN, DATABASE_URL, DATABASE_SCHEMA: this.schema, TOPIC_SUFFIX: this.suffix, KAFKA_PARTITIONS: '3',
      CONTACTS_CONSUMER_GROUP: `contacts-${this.suffix}`, LOG_LEVEL: 'error', PORT: '0',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', ...envOverrides,
    });
    this.app = await createContactsApp(env, { clock: this.clock, consumer: { handlerRetryBaseMs: 50 } });
    await this.app.listen(0, '127.0.0.1');
    this.url = await this.app.getUrl();
    this.url = this.url.replace('[::1]', '127.0.0.1');
    this.producer = new EventProducer(createKafka(testConnection(this.suffix, 'contacts-test')), this.suffix);
    await this.producer.connect();
    this.changed = await TopicCollector.start(CONTACT_CHANGED_V1, this.suffix);
    this.erased = await TopicCollector.start(CONTACT_ERASED_V1, this.suffix);
    this.pg = new Client({ connectionString: DATABASE_URL, options: `-c search_path=${this.schema}` });
    await this.pg.connect();
    return this;
  }

  async stop(): Promise<void> {
    await this.changed?.stop();
    await this.erased?.stop();
    await this.producer?.close();
    await this.app?.close();
    if (this.pg) {
      await this.pg.end();
    }
    await this.testSchema?.drop().catch(() => undefined);
  }

  async publish(spec: TopicSpec, key: string, value: object): Promise<void> {
    await this.producer.send({ topic: spec.topic, key, value });
  }

  async announceNumber(phoneNumberId: string, tenantId: string, revision = 1): Promise<void> {
    await this.publish(NUMBER_CHANGED_V1, phoneNumberId, numberChanged(phoneNumberId, tenantId, revision));
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pg.query(text, params)).rows as T[];
  }

  async http<T = any>(method: string, path: string, opts: { tenant?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token !== null) headers['x-internal-token'] = opts.token ?? INTERNAL_TOKEN;
    if (opts.tenant) headers['x-tenant-id'] = opts.tenant;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Contacts visible to a tenant matching a filter (via the API). */
  async contacts(tenant: string, query = ''): Promise<any[]> {
    const r = await this.http('GET', `/v1/contacts?limit=500${query ? `&${query}` : ''}`, { tenant });
    if (r.status !== 200) throw new Error(`list answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body.data;
  }

  changedFor(key: string): ContactChangedV1[] {
    return this.changed.messages.filter((m) => m.key === key).map((m) => m.value);
  }
}

/** A harness started before and stopped after the enclosing `describe` (one per test file). */
export function contactsHarnessForSuite(): ContactsHarness {
  const h = new ContactsHarness();
  beforeAll(() => h.start(), 90000);
  afterAll(() => h.stop());
  return h;
}
