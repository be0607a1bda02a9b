import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kafkaSecurityFromEnv, type KafkaSaslMechanism, type KafkaSecurityOptions } from '@wabridge/kafka';
import type { Options } from './args';

/**
 * Where the CLI finds the platform and its credentials, in this order: flags, environment
 * (WABRIDGE_URL or GATEWAY_URL, WABRIDGE_API_KEY, WABRIDGE_ADMIN_TOKEN or ADMIN_TOKEN, KAFKA_BROKERS,
 * TOPIC_SUFFIX), then the state `npm start` wrote (LOCAL_STATE_DIR or <repo>/.local/
 * dev-secrets.json: the tenant `local`'s key and the dev admin token), then local defaults.
 * The environment is read here only (STYLE 8); commands get this object.
 */
export interface Settings {
  url: string;
  apiKey?: string;
  adminToken?: string;
  brokers: string[];
  /** TLS/SASL towards the brokers: the services' KAFKA_SSL* / KAFKA_SASL_* variables (ADR 0174). */
  kafkaSecurity?: KafkaSecurityOptions;
  topicSuffix?: string;
  /** The sandbox number of `npm start` when its state was used (default `send --from`). */
  defaultPhoneNumberId?: string;
  json: boolean;
}

interface LocalState {
  ADMIN_TOKEN?: string;
  localTenant?: { id?: string; apiKey?: string };
}

/** The repository root seen from apps/cli/{src,dist}. */
const REPO = resolve(__dirname, '..', '..', '..');

export function readLocalState(env: NodeJS.ProcessEnv): LocalState | undefined {
  const file = join(env.LOCAL_STATE_DIR ?? join(REPO, '.local'), 'dev-secrets.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
}

export function resolveSettings(o: Options, env: NodeJS.ProcessEnv): Settings {
  const nonEmpty = (...vs: (string | undefined)[]) => vs.find((v) => v !== undefined && v !== '');
  const state = readLocalState(env);
  const apiKey = nonEmpty(o['api-key'], env.WABRIDGE_API_KEY);
  const adminToken = nonEmpty(o['admin-token'], env.WABRIDGE_ADMIN_TOKEN, env.ADMIN_TOKEN);
  return {
    url: (nonEmpty(o.url, env.WABRIDGE_URL, env.GATEWAY_URL) ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    apiKey: apiKey ?? state?.localTenant?.apiKey,
    adminToken: adminToken ?? state?.ADMIN_TOKEN,
    brokers: (nonEmpty(o.brokers, env.KAFKA_BROKERS) ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaSecurity: kafkaSecurityFromEnv({
      KAFKA_SSL: env.KAFKA_SSL === 'true',
      KAFKA_SSL_CA_FILE: nonEmpty(env.KAFKA_SSL_CA_FILE),
      KAFKA_SSL_CERT_FILE: nonEmpty(env.KAFKA_SSL_CERT_FILE),
      KAFKA_SSL_KEY_FILE: nonEmpty(env.KAFKA_SSL_KEY_FILE),
      KAFKA_SASL_MECHANISM: saslMechanism(nonEmpty(env.KAFKA_SASL_MECHANISM)),
      KAFKA_SASL_USERNAME: nonEmpty(env.KAFKA_SASL_USERNAME),
      KAFKA_SASL_USERNAME_FILE: nonEmpty(env.KAFKA_SASL_USERNAME_FILE),
      KAFKA_SASL_PASSWORD: nonEmpty(env.KAFKA_SASL_PASSWORD),
      KAFKA_SASL_PASSWORD_FILE: nonEmpty(env.KAFKA_SASL_PASSWORD_FILE),
    }),
    topicSuffix: nonEmpty(o['topic-suffix'], env.TOPIC_SUFFIX),
    defaultPhoneNumberId: nonEmpty(env.WABRIDGE_PHONE_NUMBER_ID) ?? (apiKey === undefined && state?.localTenant?.apiKey ? nonEmpty(env.SANDBOX_PHONE_NUMBER_ID) ?? '100000000000001' : undefined),
    json: o.json === true,
  };
}

const SASL_MECHANISMS: readonly KafkaSaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

function saslMechanism(value: string | undefined): KafkaSaslMechanism | undefined {
  if (value === undefined) return undefined;
  const found = SASL_MECHANISMS.find((m) => m === value);
  if (!found) throw new Error(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')} (got ${value})`);
  return found;
}
