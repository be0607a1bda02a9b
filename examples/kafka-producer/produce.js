#!/usr/bin/env node
'use strict';
// A Kafka-native internal producer in plain JavaScript: builds a wa.outbound.requested.v1 send
// command as plain JSON, validates it against the JSON Schema the platform publishes
// (docs/events/schemas/wa.outbound.requested.v1.json, generated from libs/contracts), and
// produces it with kafkajs, keyed by the phone number id. No TypeScript, no @wabridge imports.
//
//   node examples/kafka-producer/produce.js --to 4915112345678                  hello_world template
//   node examples/kafka-producer/produce.js --to 4915112345678 --text "Hi"     a text (the user must have written within 24 h)
//   node examples/kafka-producer/produce.js --file command.json                  your own command, validated first
//
// Env: KAFKA_BROKERS (127.0.0.1:9092), TOPIC_SUFFIX (as the platform's), WABRIDGE_TENANT_ID and
// WABRIDGE_PHONE_NUMBER_ID (default: the tenant `local` and sandbox number of `npm start`,
// read from .local/dev-secrets.json or LOCAL_STATE_DIR).
const { randomBytes } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const REPO = resolve(__dirname, '..', '..');
const SCHEMA_FILE = join(REPO, 'docs', 'events', 'schemas', 'wa.outbound.requested.v1.json');
const TOPIC = 'wa.outbound.requested.v1';
const SCHEMA_VERSION = '1';

const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** A ULID (26 Crockford base32 chars: 48-bit time, 80 random bits), the platform's message id format. */
function ulid(now = Date.now()) {
  const A = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = A[t % 32] + time;
  const rnd = randomBytes(16);
  let rest = '';
  for (let i = 0; i < 16; i++) rest += A[rnd[i] % 32];
  return time + rest;
}

/** The send command: Meta's message object under `message`, our envelope around it. */
function buildSendCommand({ tenantId, phoneNumberId, to, text, template, idempotencyKey, metadata }) {
  const message = text !== undefined
    ? { type: 'text', text: { body: text } }
    : { type: 'template', template: template || { name: 'hello_world', language: { code: 'en_US' } } };
  const command = {
    id: ulid(),
    tenantId,
    phoneNumberId,
    to: String(to).replace(/^\+/, ''),
    type: message.type,
    message,
    source: 'kafka',
    requestedAt: new Date().toISOString(),
  };
  if (idempotencyKey) command.idempotencyKey = idempotencyKey;
  if (metadata) command.metadata = metadata;
  return command;
}

/** `{ok: true}` or `{ok: false, errors: ["/to must match pattern …", …]}`. */
function validateSendCommand(command) {
  if (validate(command)) return { ok: true, errors: [] };
  return { ok: false, errors: validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params && e.params.missingProperty ? ` (${e.params.missingProperty})` : ''}`) };
}

/** Produces one validated command (acks from all in-sync replicas); resolves with its partition and offset. */
async function produceSendCommand(command, { brokers = ['127.0.0.1:9092'], topicSuffix } = {}) {
  const checked = validateSendCommand(command);
  if (!checked.ok) throw new Error(`refused by the schema: ${checked.errors.join('; ')}`);
  const kafka = new Kafka({ clientId: 'example-kafka-producer', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const topic = topicSuffix ? `${TOPIC}.${topicSuffix}` : TOPIC;
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{
        key: command.phoneNumberId, // one partition per number: the dispatcher's rate limits and order
        value: JSON.stringify(command),
        headers: { 'tenant-id': command.tenantId, 'event-type': 'outbound.requested', 'schema-version': SCHEMA_VERSION },
      }],
    });
    return { topic, partition: meta.partition, offset: meta.baseOffset };
  } finally {
    await producer.disconnect();
  }
}

function localDefaults() {
  const file = join(process.env.LOCAL_STATE_DIR || join(REPO, '.local'), 'dev-secrets.json');
  if (!existsSync(file)) return {};
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  return { tenantId: saved.localTenant && saved.localTenant.id };
}

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  let command;
  const file = arg('--file');
  if (file) {
    try {
      command = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      console.error(`${file}: not JSON (${err.message})`);
      return 2;
    }
  } else {
    const tenantId = process.env.WABRIDGE_TENANT_ID || localDefaults().tenantId;
    const to = arg('--to');
    if (!tenantId || !to) {
      console.error('usage: produce.js --to <E.164 digits> [--text <body>] | --file <command.json>   (WABRIDGE_TENANT_ID unset and no .local/dev-secrets.json from npm start)');
      return 2;
    }
    command = buildSendCommand({ tenantId, phoneNumberId: process.env.WABRIDGE_PHONE_NUMBER_ID || process.env.SANDBOX_PHONE_NUMBER_ID || '100000000000001', to, text: arg('--text'), idempotencyKey: arg('--idempotency-key') });
  }
  const checked = validateSendCommand(command);
  if (!checked.ok) {
    console.error(`refused by ${SCHEMA_FILE.slice(REPO.length + 1)}; nothing produced:\n  ${checked.errors.join('\n  ')}`);
    return 2;
  }
  const at = await produceSendCommand(command, { brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','), topicSuffix: process.env.TOPIC_SUFFIX || undefined });
  console.log(JSON.stringify({ produced: command.id, to: command.to, type: command.type, ...at }));
  return 0;
}

module.exports = { buildSendCommand, validateSendCommand, produceSendCommand, ulid, SCHEMA_FILE, TOPIC };

if (require.main === module) {
  main().then((code) => { process.exitCode = code; }, (err) => { console.error(err.message); process.exitCode = 1; });
}
