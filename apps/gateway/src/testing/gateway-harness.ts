import { SecretBox } from '@wabridge/config';
import { randomSuffix, TEST_BROKERS } from '@wabridge/testing';
import { createGatewayApp, CreateGatewayOptions, GatewayApp } from '../app.factory';
import { freshTestSchema } from '@wabridge/database';

export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const INTERNAL_TOKEN = 'test-internal-token-0123456789';

export interface Harness {
  gw: GatewayApp;
  url: string;
  suffix: string;
  schema: string;
  box: SecretBox;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  api(key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

async function call(url: string, token: string | undefined, method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed as any, headers: res.headers };
}

/** The gateway in-process on a free port with a fresh schema and topic suffix (options: e.g. a ManualClock). */
export async function startGateway(env: Record<string, string> = {}, options: CreateGatewayOptions = {}): Promise<Harness> {
  const suffix = randomSuffix('gw');
  const test = await freshTestSchema('gw', { url: TEST_DATABASE_URL });
  const schema = test.schema;
  const keys = SecretBox.generateKeySpec('test');
  const gw = await createGatewayApp({
    NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: suffix,
    KAFKA_PARTITIONS: '3', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, DB_POOL_SIZE: '25',
    ADMIN_TOKEN, INTERNAL_TOKEN, ENCRYPTION_KEYS: keys, CONSUMER_GROUP: `gateway-${suffix}`, MANAGEMENT_PORT: '0', ...env,
  }, options);
  return {
    gw, url: gw.url, suffix, schema, box: new SecretBox(keys),
    admin: (method, path, body) => call(`${gw.url}${path}`, ADMIN_TOKEN, method, body),
    api: (key, method, path, body, headers) => call(`${gw.url}${path}`, key, method, body, headers),
    async close() {
      await gw.close();
      await test.drop();
    },
  };
}

let seq = 0;
/** Unique numeric ids per test run (phone number ids / WABA ids are global, unique columns). */
export function uniqueDigits(prefix = '1'): string {
  seq++;
  return `${prefix}${Date.now()}${String(seq).padStart(3, '0')}${Math.floor(Math.random() * 1000)}`.slice(0, 20);
}

export interface TenantFixture {
  tenantId: string;
  key: string;
  phoneNumberId: string;
  wabaId: string;
  appId: string;
}

/** A tenant with an all-scopes key, a Meta app and one registered number. */
export async function seedTenant(h: Harness, opts: { graphBaseUrl?: string; accessToken?: string; appId?: string } = {}): Promise<TenantFixture> {
  const t = await h.admin('POST', '/admin/v1/tenants', { name: `tenant-${uniqueDigits()}` });
  if (t.status !== 201) throw new Error(`tenant: ${t.status} ${JSON.stringify(t.body)}`);
  const appId = opts.appId ?? `app${uniqueDigits()}`;
  const a = await h.admin('POST', '/admin/v1/apps', { appId, appSecret: `secret-${appId}`, verifyToken: `verify-${appId}` });
  if (a.status !== 201) throw new Error(`app: ${a.status} ${JSON.stringify(a.body)}`);
  const phoneNumberId = uniqueDigits('9');
  const wabaId = uniqueDigits('8');
  const n = await h.admin('POST', `/admin/v1/tenants/${t.body.id}/phone-numbers`, {
    phoneNumberId, displayPhoneNumber: '+1 555 0100', wabaId, appId, accessToken: opts.accessToken ?? `EAAG-token-${phoneNumberId}`,
    ...(opts.graphBaseUrl ? { graphBaseUrl: opts.graphBaseUrl } : {}),
  });
  if (n.status !== 201) throw new Error(`number: ${n.status} ${JSON.stringify(n.body)}`);
  return { tenantId: t.body.id, key: t.body.apiKey.key, phoneNumberId, wabaId, appId };
}
