import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { IsString } from 'class-validator';
import { parse } from 'yaml';
import { CONTACT_TAGS_REQUESTED_V1, INBOUND_MESSAGE_V1, MEDIA_FAILED_V1, OUTBOUND_DLQ_V1, OUTBOUND_REQUESTED_V1, OutboundRequestedV1, registeredTopics, STATUS_UPDATED_V1, validateContract, contractFor } from '../index';
import { ASYNCAPI_FILE, buildAsyncApi, channelId, EVENTS_DIR, eventDocsDrift, registeredContracts, renderEventDocs, SCHEMAS_DIR } from './asyncapi';

const at = '2026-12-06T10:00:00.000Z';
const schemaFile = (topic: string) => JSON.parse(readFileSync(path.join(EVENTS_DIR, SCHEMAS_DIR, `${topic}.json`), 'utf8')) as { required: string[] };

describe('AsyncAPI document and JSON Schemas (docs/events) generated from the contract registry', () => {
  it('are what the registry generates today (else: npm run generate -w @wabridge/contracts)', () => {
    expect(eventDocsDrift()).toEqual([]);
  });

  it('report the topic whose contract changed without regenerating', () => {
    class ChangedRequest extends OutboundRequestedV1 {
      @IsString() priority!: string;
    }
    const contracts = registeredContracts().map((c) => (c.spec.topic === OUTBOUND_REQUESTED_V1.topic ? { ...c, cls: ChangedRequest } : c));
    const problems = eventDocsDrift(EVENTS_DIR, contracts);
    expect(problems).toContain(`${OUTBOUND_REQUESTED_V1.topic}: ${SCHEMAS_DIR}/${OUTBOUND_REQUESTED_V1.topic}.json differs from the contract in libs/contracts (run npm run generate -w @wabridge/contracts)`);
    const asyncapi = problems.find((p) => p.startsWith(ASYNCAPI_FILE))!;
    expect(asyncapi).toContain(OUTBOUND_REQUESTED_V1.topic);
    expect(asyncapi).not.toContain(INBOUND_MESSAGE_V1.topic);
    expect(problems.filter((p) => p.includes(INBOUND_MESSAGE_V1.topic))).toEqual([]);
  });

  it('report a topic added to or removed from the registry without regenerating', () => {
    class WidgetMovedV1 {
      @IsString() widgetId!: string;
    }
    const added = [...registeredContracts(), { spec: { topic: 'wa.widget.moved.v1', version: 1, key: '<widgetId>' }, cls: WidgetMovedV1 }];
    const problems = eventDocsDrift(EVENTS_DIR, added);
    expect(problems).toContain('wa.widget.moved.v1: topic in the registry but schemas/wa.widget.moved.v1.json is missing (run npm run generate -w @wabridge/contracts)');
    expect(problems.find((p) => p.startsWith(ASYNCAPI_FILE))).toMatch(/in wa\.widget\.moved\.v1 \(run/);

    const removed = eventDocsDrift(EVENTS_DIR, registeredContracts().filter((c) => c.spec.topic !== MEDIA_FAILED_V1.topic));
    expect(removed).toContain(`${MEDIA_FAILED_V1.topic}: schemas/${MEDIA_FAILED_V1.topic}.json has no topic in the registry any more (run npm run generate -w @wabridge/contracts)`);
    expect(removed.find((p) => p.startsWith(ASYNCAPI_FILE))).toContain(MEDIA_FAILED_V1.topic);
  });

  it('refuse a topic without a declared key, naming it', () => {
    const noKey = registeredContracts().map((c) => (c.spec.topic === STATUS_UPDATED_V1.topic ? { ...c, spec: { topic: c.spec.topic, version: 1 } } : c));
    expect(() => renderEventDocs(noKey)).toThrow(`${STATUS_UPDATED_V1.topic}: its TopicSpec declares no key`);
  });

  it('is a valid AsyncAPI 3.0 document (the official JSON Schema of @asyncapi/specs) with every topic, key, header and version', () => {
    const doc = parse(readFileSync(path.join(EVENTS_DIR, ASYNCAPI_FILE), 'utf8')) as any;
    const meta = JSON.parse(readFileSync(require.resolve('@asyncapi/specs/schemas/3.0.0-without-$id.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const valid = ajv.validate(meta, doc);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.asyncapi).toBe('3.0.0');

    const resolve = (ref: string) => ref.replace(/^#\//, '').split('/').reduce((node: any, part: string) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    for (const spec of registeredTopics()) {
      const channel = doc.channels[channelId(spec.topic)];
      expect(channel.address).toBe(spec.topic);
      const [message] = Object.values(channel.messages).map((m: any) => resolve(m.$ref)) as any[];
      expect(message.bindings.kafka.key.description).toBe(spec.key);
      expect(Object.keys(message.headers.properties)).toEqual(['traceparent', 'tracestate', 'tenant-id', 'event-type', 'schema-version']);
      expect(message.headers.properties['schema-version'].const).toBe(String(spec.version));
      expect(resolve(message.payload.$ref)).toMatchObject({ type: 'object' });
      expect(message['x-json-schema']).toBe(`./schemas/${spec.topic}.json`);
    }
    for (const op of Object.values(doc.operations) as any[]) {
      expect(resolve(op.channel.$ref)).toBeDefined();
      for (const m of op.messages) expect(resolve(m.$ref)).toBeDefined();
    }
    expect(doc.operations[`send_${channelId(OUTBOUND_REQUESTED_V1.topic)}`].action).toBe('send');
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildAsyncApi())));
  });

  it('has one JSON Schema file per registered topic, each compiling with ajv (2020-12), and AsyncAPI payloads that compile too', () => {
    const files = readdirSync(path.join(EVENTS_DIR, SCHEMAS_DIR)).sort();
    expect(files).toEqual(registeredTopics().map((t) => `${t.topic}.json`).sort());
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    for (const f of files) expect(() => ajv.compile(JSON.parse(readFileSync(path.join(EVENTS_DIR, SCHEMAS_DIR, f), 'utf8')))).not.toThrow();
    const doc = buildAsyncApi() as { components: { schemas: Record<string, object> } };
    const draft7 = new Ajv({ strict: false });
    addFormats(draft7);
    draft7.addSchema({ $id: 'asyncapi', components: doc.components });
    for (const name of Object.keys(doc.components.schemas)) expect(() => draft7.getSchema(`asyncapi#/components/schemas/${name}`)).not.toThrow();
  });
});

describe('the JSON Schemas accept and refuse what the contract classes do', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const request = {
    id: '01JX0000000000000000000000', tenantId: 't1', phoneNumberId: '100000000000001', to: '4915112345678', type: 'text',
    message: { type: 'text', text: { body: 'hi' } }, idempotencyKey: 'k-1', metadata: { order: '42' }, source: 'kafka', requestedAt: at,
  };
  const samples: [string, Record<string, unknown>, [string, unknown][]][] = [
    [OUTBOUND_REQUESTED_V1.topic, request, [['type', 'hologram'], ['phoneNumberId', 'abc'], ['to', '+4915112345678'], ['id', ''], ['source', 'email'], ['requestedAt', 'yesterday'], ['message', 'hi']]],
    [STATUS_UPDATED_V1.topic, {
      wamid: 'wamid.A', status: 'failed', phoneNumberId: '1', wabaId: 'w', appId: 'a', occurredAt: at, receivedAt: at, raw: {},
      errors: [{ code: 131026, title: 'Undeliverable' }], pricing: { billable: false },
    }, [['status', 'seen'], ['errors', [{ code: 'x' }]], ['errors', [{ code: 1.5 }]]]],
    [CONTACT_TAGS_REQUESTED_V1.topic, { tenantId: 't', phoneNumberId: '1', waId: '4915112345678', tags: ['vip', 'lead:2026'], source: 'automation', requestedAt: at }, [['tags', []], ['tags', ['ok', '#bad']], ['tags', 'vip']]],
    [OUTBOUND_DLQ_V1.topic, { request, reason: 'exhausted', error: { class: 'transient', code: 131000, message: 'x' }, attempts: 5, deadLetteredAt: at }, [['attempts', -1], ['error', { class: 'oops', message: 'm' }], ['request', { ...request, type: 'hologram' }]]],
  ];
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const schemaOf = (topic: string) => {
    if (!validators.has(topic)) validators.set(topic, ajv.compile(schemaFile(topic)));
    return validators.get(topic)!;
  };
  const both = (topic: string, value: unknown) => [schemaOf(topic)(value), validateContract(contractFor(topic)!.cls, value).ok];

  it.each(samples)('%s: both accept the sample and refuse it without any one required field', (topic, sample) => {
    expect(both(topic, sample)).toEqual([true, true]);
    const required = schemaFile(topic).required;
    expect(required.length).toBeGreaterThan(0);
    for (const field of required) {
      const { [field]: _gone, ...rest } = sample;
      expect([field, both(topic, rest)]).toEqual([field, [false, false]]);
    }
  });

  it.each(samples)('%s: both refuse wrong values', (topic, sample, wrong) => {
    for (const [field, value] of wrong) expect([field, value, both(topic, { ...sample, [field]: value })]).toEqual([field, value, [false, false]]);
  });
});
