import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
    topicSuffix: nonEmpty(o['topic-suffix'], env.TOPIC_SUFFIX),
    defaultPhoneNumberId: nonEmpty(env.WABRIDGE_PHONE_NUMBER_ID) ?? (apiKey === undefined && state?.localTenant?.apiKey ? nonEmpty(env.SANDBOX_PHONE_NUMBER_ID) ?? '100000000000001' : undefined),
    json: o.json === true,
  };
}
