import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import '../index'; // every contract registers itself on import
import { HEADER } from '../common';
import { OUTBOUND_REQUESTED_V1 } from '../outbound/outbound-requested.v1';
import { ContractClass, contractFor, registeredTopics, TopicSpec } from '../topic';
import { JsonSchema, refTo, SchemaOptions, standaloneJsonSchema } from './json-schema';

/**
 * The Kafka contract as documents for other languages (ADR 0140): docs/events/asyncapi.yaml
 * (AsyncAPI 3.0: every registered topic with its key, headers, payload schema and version) and
 * docs/events/schemas/<topic>.json (one standalone JSON Schema per topic), all generated from
 * the registry in this package. `npm run generate -w @wabridge/contracts` writes them;
 * `eventDocsDrift` (the spec and `-- --check`) names every topic whose documents differ.
 */

export const EVENTS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'docs', 'events');
export const ASYNCAPI_FILE = 'asyncapi.yaml';
export const SCHEMAS_DIR = 'schemas';
export const SCHEMA_ID_BASE = 'https://wabridge.dev/events/schemas/';

/** Topics services outside the platform may produce to (DESIGN §4: "gateway, internal producers → dispatcher"). */
export const OPEN_TO_INTERNAL_PRODUCERS: readonly string[] = [OUTBOUND_REQUESTED_V1.topic];

export interface Contract {
  spec: TopicSpec;
  cls: ContractClass;
}

/** Every registered contract, by topic name. */
export function registeredContracts(): Contract[] {
  return registeredTopics()
    .map((spec) => ({ spec, cls: contractFor(spec.topic)!.cls }))
    .sort((a, b) => a.spec.topic.localeCompare(b.spec.topic));
}

/** `wa.outbound.retry.v1.5s` → `wa_outbound_retry_v1_5s` (AsyncAPI ids allow letters, digits, `_`, `-`). */
export function channelId(topic: string): string {
  return topic.replace(/[^A-Za-z0-9]+/g, '_');
}

function keyOf(spec: TopicSpec): string {
  if (!spec.key) throw new Error(`${spec.topic}: its TopicSpec declares no key (add key: '<…>' beside topic and version in libs/contracts)`);
  return spec.key;
}

function headersSchema(spec: TopicSpec): JsonSchema {
  return {
    type: 'object',
    properties: {
      traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$', description: 'W3C trace context of the producing span (optional; set it to join the platform\'s trace)' },
      tracestate: { type: 'string', description: 'W3C trace state (optional)' },
      [HEADER.tenantId]: { type: 'string', description: 'The tenant the event belongs to, where it has one (the payload\'s tenantId)' },
      [HEADER.eventType]: { type: 'string', description: 'A label of the event kind set by the producer (informational: consumers route by topic)' },
      [HEADER.schemaVersion]: { type: 'string', const: String(spec.version), description: 'The payload\'s schema version (the topic\'s version)' },
    },
  };
}

const DLQ_HEADERS: JsonSchema = {
  type: 'object',
  properties: {
    [HEADER.dlqReason]: { type: 'string', description: 'Why the consumer gave up (validation failure, poison message, exhausted retries)' },
    [HEADER.dlqSourceTopic]: { type: 'string' },
    [HEADER.dlqSourcePartition]: { type: 'string' },
    [HEADER.dlqSourceOffset]: { type: 'string' },
    [HEADER.dlqConsumer]: { type: 'string', description: 'The consumer group that dead-lettered it' },
  },
  required: [HEADER.dlqReason, HEADER.dlqSourceTopic, HEADER.dlqConsumer],
};

function describe(spec: TopicSpec, cls: ContractClass): string {
  return `Kafka message value of ${spec.topic} (schema version ${spec.version}; key ${keyOf(spec)}${spec.compacted ? '; compacted: the latest value per key is the state' : ''}). ` +
    `Generated from ${cls.name} in libs/contracts by \`npm run generate -w @wabridge/contracts\`; do not edit.`;
}

/** The AsyncAPI 3.0 document of the given contracts (default: the whole registry). */
export function buildAsyncApi(contracts: Contract[] = registeredContracts()): Record<string, unknown> {
  const options: SchemaOptions = { refPrefix: '#/components/schemas/', defs: new Map() };
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const { spec, cls } of contracts) {
    const id = channelId(spec.topic);
    refTo(cls, options);
    const message = `${cls.name}_${id}`;
    messages[message] = {
      name: cls.name,
      title: `${spec.topic} message`,
      contentType: 'application/json',
      headers: headersSchema(spec),
      payload: { $ref: `#/components/schemas/${cls.name}` },
      bindings: { kafka: { key: { type: 'string', description: keyOf(spec) }, bindingVersion: '0.5.0' } },
      'x-schema-version': spec.version,
      'x-json-schema': `./${SCHEMAS_DIR}/${spec.topic}.json`,
    };
    channels[id] = {
      address: spec.topic,
      title: spec.topic,
      description: describe(spec, cls),
      messages: { [cls.name]: { $ref: `#/components/messages/${message}` } },
      bindings: { kafka: { topic: spec.topic, ...(spec.compacted ? { topicConfiguration: { 'cleanup.policy': ['compact'] } } : {}), bindingVersion: '0.5.0' } },
    };
    const open = OPEN_TO_INTERNAL_PRODUCERS.includes(spec.topic);
    operations[`${open ? 'send' : 'receive'}_${id}`] = {
      action: open ? 'send' : 'receive',
      channel: { $ref: `#/channels/${id}` },
      summary: open ? `Produce a ${cls.name} (an internal producer's send command)` : `Consume ${spec.topic}`,
      messages: [{ $ref: `#/channels/${id}/messages/${cls.name}` }],
    };
  }
  channels.dead_letters = {
    address: '{consumer}.dlq.v1',
    title: 'Dead letters of a consumer',
    description: 'Messages a consumer could not process (invalid, poison, retries exhausted): the source message\'s key and value unchanged, with dlq-* headers. `npm run dlq` lists and replays them (docs/kafka-consumers.md).',
    parameters: { consumer: { description: 'The consumer group, e.g. dispatcher, ingress-normalizer, notifier' } },
    messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
  };
  operations.receive_dead_letters = { action: 'receive', channel: { $ref: '#/channels/dead_letters' }, summary: 'Consume a consumer\'s dead letters', messages: [{ $ref: '#/channels/dead_letters/messages/DeadLetter' }] };
  messages.DeadLetter = { name: 'DeadLetter', title: 'A dead-lettered message', headers: DLQ_HEADERS, payload: { description: 'The source message\'s value, unchanged (JSON, or the bytes that were not)' } };

  const schemas = Object.fromEntries([...options.defs.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Wabridge Kafka events',
      version: '1',
      description:
        'Every topic of the platform, generated from the contract registry in libs/contracts (ADR 0140). ' +
        'Seen from an internal service on the same Kafka: it may produce send commands to wa.outbound.requested.v1 ' +
        '(validate them against ./schemas/wa.outbound.requested.v1.json first) and consume the other topics. ' +
        'Values are UTF-8 JSON; a breaking change is a new topic version (`.v2`), never an edit. ' +
        'Deployments may append a suffix to every topic name (`TOPIC_SUFFIX`: `wa.outbound.requested.v1.<suffix>`).',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The local broker of `npm start` (KAFKA_BROKERS elsewhere)' } },
    channels,
    operations,
    components: { messages, schemas },
  };
}

export interface EventDoc {
  /** Relative to docs/events. */
  file: string;
  /** The topic it documents (undefined for the AsyncAPI document). */
  topic?: string;
  content: string;
}

/** Every generated file: the AsyncAPI document and one JSON Schema per topic. */
export function renderEventDocs(contracts: Contract[] = registeredContracts()): EventDoc[] {
  const header = '# GENERATED from libs/contracts by `npm run generate -w @wabridge/contracts`; do not edit (ADR 0140).\n';
  const docs: EventDoc[] = [{ file: ASYNCAPI_FILE, content: header + stringify(buildAsyncApi(contracts), { lineWidth: 0, aliasDuplicateObjects: false }) }];
  for (const { spec, cls } of contracts) {
    const schema = standaloneJsonSchema(cls, { id: `${SCHEMA_ID_BASE}${spec.topic}.json`, title: `${spec.topic} (version ${spec.version})`, description: describe(spec, cls) });
    docs.push({ file: `${SCHEMAS_DIR}/${spec.topic}.json`, topic: spec.topic, content: JSON.stringify(schema, null, 2) + '\n' });
  }
  return docs;
}

/**
 * What differs between the checked-in documents in `dir` and the given contracts, one line per
 * topic (empty: no drift). A changed AsyncAPI document is reported per channel it changed.
 */
export function eventDocsDrift(dir = EVENTS_DIR, contracts: Contract[] = registeredContracts()): string[] {
  const fresh = renderEventDocs(contracts);
  const problems: string[] = [];
  const hint = 'run npm run generate -w @wabridge/contracts';
  for (const doc of fresh) {
    const file = path.join(dir, doc.file);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === doc.content) continue;
    if (doc.topic) {
      problems.push(current === undefined
        ? `${doc.topic}: topic in the registry but ${doc.file} is missing (${hint})`
        : `${doc.topic}: ${doc.file} differs from the contract in libs/contracts (${hint})`);
      continue;
    }
    const before = current === undefined ? {} : (parse(current) as { channels?: Record<string, { address?: string }>; components?: { messages?: Record<string, unknown>; schemas?: Record<string, unknown> } });
    const after = parse(doc.content) as typeof before;
    const topics = new Set<string>();
    const addressOf = (c: { address?: string } | undefined, id: string) => c?.address ?? id;
    for (const id of new Set([...Object.keys(before.channels ?? {}), ...Object.keys(after.channels ?? {})])) {
      const b = before.channels?.[id];
      const a = after.channels?.[id];
      const msgs = (d: typeof before) => Object.entries(d.components?.messages ?? {}).filter(([k]) => k.endsWith(`_${id}`));
      if (!isDeepStrictEqual(b, a) || !isDeepStrictEqual(msgs(before), msgs(after))) topics.add(addressOf(a ?? b, id));
    }
    for (const [name, schema] of Object.entries(after.components?.schemas ?? {})) {
      if (isDeepStrictEqual(before.components?.schemas?.[name], schema)) continue;
      for (const { spec, cls } of contracts) if (cls.name === name || JSON.stringify(after.components?.schemas?.[cls.name] ?? '').includes(`/${name}"`)) topics.add(spec.topic);
    }
    for (const name of Object.keys(before.components?.schemas ?? {})) if (!(name in (after.components?.schemas ?? {}))) topics.add(`(schema ${name} removed)`);
    const list = [...topics].sort();
    problems.push(`${doc.file} differs from the registry${list.length ? ` in ${list.join(', ')}` : ''} (${hint})`);
  }
  const schemaDir = path.join(dir, SCHEMAS_DIR);
  const expected = new Set(fresh.map((d) => d.file));
  if (existsSync(schemaDir)) {
    for (const f of readdirSync(schemaDir).sort()) {
      if (!expected.has(`${SCHEMAS_DIR}/${f}`)) problems.push(`${f.replace(/\.json$/, '')}: ${SCHEMAS_DIR}/${f} has no topic in the registry any more (${hint})`);
    }
  }
  return problems;
}
