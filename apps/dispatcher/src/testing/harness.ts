import { ulid } from 'ulid';
import { accessTokenAad, loadConfig, SecretBox } from '@wabridge/config';
import {
  CONTACT_CHANGED_V1, ContactChangedV1, NUMBER_CHANGED_V1, NumberChangedV1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1,
  OutboundEventV1, OutboundRequestedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { randomSuffix, testConnection, TopicCollector } from '@wabridge/testing';
import { createDispatcherApp, DispatcherApp } from '../app.factory';
import { DispatcherEnv } from '../dispatcher.env';

export const KEYS = SecretBox.generateKeySpec('k1');
export const box = new SecretBox(KEYS);

/** Everything one dispatcher integration test needs: fresh topics, schema, a producer and the events topic. */
export class Harness {
  readonly suffix = randomSuffix('disp');
  readonly kafka = createKafka(testConnection(this.suffix, 'dispatcher-test'));
  readonly producer = new EventProducer(this.kafka, this.suffix);
  schema!: TestSchema;
  events!: TopicCollector<OutboundEventV1>;
  dispatcher: DispatcherApp | null = null;
  private revision = 1;

  async start(): Promise<void> {
    this.schema = await freshTestSchema('dispatcher');
    await this.producer.connect();
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: '0', TOPIC_SUFFIX: this.suffix, KAFKA_PARTITIONS: '3',
      DATABASE_URL: this.schema.url, DATABASE_SCHEMA: this.schema.schema, ENCRYPTION_KEYS: KEYS,
      KAFKA_GROUP_ID: `dispatcher-${this.suffix}`, INLINE_HORIZON_MS: '1500', ...extra,
    };
  }

  async boot(extra: Record<string, string> = {}): Promise<DispatcherApp> {
    this.dispatcher = await createDispatcherApp(loadConfig(DispatcherEnv, this.env(extra)));
    this.events ??= await TopicCollector.start<OutboundEventV1>(OUTBOUND_EVENTS_V1, this.suffix);
    return this.dispatcher;
  }

  async collectEvents(): Promise<void> {
    this.events ??= await TopicCollector.start<OutboundEventV1>(OUTBOUND_EVENTS_V1, this.suffix);
  }

  async stop(): Promise<void> {
    await this.dispatcher?.close().catch((err: Error) => console.error(`dispatcher close: ${err.message}`));
    // kafkajs finishes an in-flight fetch/heartbeat after disconnect resolves; let it, so nothing
    // runs after Jest tears the environment down.
    await new Promise((r) => setTimeout(r, 1500));
    await this.events?.stop();
    await this.producer.close();
    await this.schema?.drop().catch(() => undefined);
  }

  async number(phoneNumberId: string, graphBaseUrl: string, o: Partial<NumberChangedV1> & { token?: string } = {}): Promise<void> {
    const ev: NumberChangedV1 = Object.assign(new NumberChangedV1(), {
      phoneNumberId, tenantId: 'tenant-1', displayPhoneNumber: '+1555000', wabaId: `waba-${phoneNumberId}`, appId: 'app-1',
      businessId: `biz-${phoneNumberId}`, status: 'active', mps: 80, tier: 'unlimited', graphBaseUrl, graphApiVersion: 'v23.0',
      revision: this.revision++, updatedAt: new Date().toISOString(), ...o,
    });
    delete (ev as { token?: string }).token;
    // Sealed for this event's number, base URL and revision (ADR 0072), unless the test brings its own.
    if (!o.accessToken) ev.accessToken = box.seal(o.token ?? `token-${phoneNumberId}`, accessTokenAad(ev));
    await this.producer.send({ topic: NUMBER_CHANGED_V1.topic, key: phoneNumberId, value: ev });
  }

  async contact(phoneNumberId: string, waId: string, o: Partial<ContactChangedV1> = {}): Promise<void> {
    const ev: ContactChangedV1 = Object.assign(new ContactChangedV1(), {
      tenantId: 'tenant-1', phoneNumberId, waId, optedOut: false, reachable: true,
      windowOpenUntil: new Date(Date.now() + 3600_000).toISOString(), updatedAt: new Date().toISOString(), ...o,
    });
    await this.producer.send({ topic: CONTACT_CHANGED_V1.topic, key: `tenant-1:${phoneNumberId}:${waId}`, value: ev });
  }

  request(phoneNumberId: string, to: string, o: Partial<OutboundRequestedV1> = {}): OutboundRequestedV1 {
    return Object.assign(new OutboundRequestedV1(), {
      id: ulid(), tenantId: 'tenant-1', phoneNumberId, to, type: 'text', message: { text: { body: 'hello' } },
      source: 'api', requestedAt: new Date().toISOString(), ...o,
    });
  }

  template(phoneNumberId: string, to: string, o: Partial<OutboundRequestedV1> = {}): OutboundRequestedV1 {
    return this.request(phoneNumberId, to, { type: 'template', message: { template: { name: 'hello_world', language: { code: 'en_US' } } }, ...o });
  }

  async send(reqs: OutboundRequestedV1[]): Promise<void> {
    await Promise.all(reqs.map((r) => this.producer.send({ topic: OUTBOUND_REQUESTED_V1.topic, key: r.phoneNumberId, value: r })));
  }

  async status(ev: Partial<StatusUpdatedV1> & { wamid: string; status: StatusUpdatedV1['status']; phoneNumberId: string }): Promise<void> {
    const value = Object.assign(new StatusUpdatedV1(), {
      wabaId: 'waba', appId: 'app-1', occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(), raw: {}, ...ev,
    });
    await this.producer.send({ topic: STATUS_UPDATED_V1.topic, key: `${ev.phoneNumberId}:x`, value });
  }

  eventsFor(id: string): OutboundEventV1[] {
    return this.events.values().filter((e) => e.id === id);
  }

  kinds(id: string): string[] {
    return this.eventsFor(id).map((e) => e.event);
  }

  count(kind: string): number {
    return this.events.values().filter((e) => e.event === kind).length;
  }
}

export async function waitForNumber(h: Harness, phoneNumberId: string, status = 'active', revision?: number): Promise<void> {
  const { waitFor } = await import('@wabridge/testing');
  await waitFor(async () => {
    const rows = (await h.dispatcher!.dataSource.query('SELECT status, revision FROM numbers WHERE phone_number_id = $1', [phoneNumberId])) as { status: string; revision: number }[];
    return rows[0]?.status === status && (revision === undefined || rows[0].revision >= revision);
  }, { what: `number ${phoneNumberId} ${status} in the dispatcher`, timeoutMs: 20000 });
}

export async function waitForContact(h: Harness, phoneNumberId: string, waId: string, check: (r: { opted_out: boolean }) => boolean = () => true): Promise<void> {
  const { waitFor } = await import('@wabridge/testing');
  await waitFor(async () => {
    const rows = (await h.dispatcher!.dataSource.query('SELECT opted_out FROM contacts WHERE phone_number_id = $1 AND recipient = $2', [phoneNumberId, waId])) as { opted_out: boolean }[];
    return rows[0] !== undefined && check(rows[0]);
  }, { what: `contact ${waId}`, timeoutMs: 20000 });
}
