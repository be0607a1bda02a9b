import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort, randomSuffix, ServiceProcess, TEST_BROKERS } from '@wabridge/testing';

/**
 * The whole platform as real processes (gateway, ingress, dispatcher, contacts, sandbox as
 * Meta; the notifier and analytics on request) on a database and topic suffix of its own, for
 * drills that kill, stop and restart parts of it. Consumers' groups are this run's own.
 */
export const BASE_DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wabridge';
export const E2E_APP = { appId: 'e2e-app', appSecret: 'e2e-app-secret-123456', verifyToken: 'e2e-verify-token' };

export interface HttpResult { status: number; body: any; headers: Headers }

export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  // No content-type without a body: Fastify refuses an empty application/json body (DELETE).
  const res = await fetch(url, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* text body */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function withAdminDb<T>(fn: (c: Client) => Promise<T>, base = BASE_DB): Promise<T> {
  const url = new URL(base);
  url.pathname = '/postgres';
  const c = new Client({ connectionString: url.toString() });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

export type ServiceName = 'sandbox' | 'gateway' | 'ingress' | 'dispatcher' | 'contacts' | 'notifier' | 'analytics' | 'conversations';

export interface PlatformOptions {
  /** The Meta app registered everywhere (default E2E_APP). */
  app?: { appId: string; appSecret: string; verifyToken: string };
  /** Postgres to use (a dedicated cluster for outage drills); the run's database is created on it. */
  baseDb?: string;
  /** Extra env for every service, and per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * Start the notifier as a sixth service (default false): the gateway forwards
   * `/v1/webhook-endpoints` to it (NOTIFIER_URL) and it may deliver to loopback receivers
   * (NOTIFIER_ALLOWED_TARGETS `127.0.0.1/32,::1/128`).
   */
  notifier?: boolean;
  /**
   * Start the analytics service too (default false): the gateway forwards `/v1/analytics` and
   * serves `/dashboard` from it (ANALYTICS_URL); its consumer group is this run's own.
   */
  analytics?: boolean;
  /**
   * Start the conversations service too (default false): the gateway forwards
   * `/v1/conversations` and `/v1/automations` to it (CONVERSATIONS_URL); its consumer group is
   * this run's own, and its automations may forward to loopback receivers.
   */
  conversations?: boolean;
  /**
   * The gateway's DEFAULT_GRAPH_BASE_URL is the sandbox (default false): numbers it adds itself
   * (embedded signup) and the signup's Graph calls go there.
   */
  sandboxAsGraph?: boolean;
}

export class Platform {
  readonly suffix = randomSuffix('plat');
  readonly dbName = `wabridge_e2e_${this.suffix}`;
  readonly adminToken = randomBytes(16).toString('hex');
  readonly services = new Map<ServiceName, ServiceProcess>();
  dbUrl = '';
  readonly app: { appId: string; appSecret: string; verifyToken: string };
  private readonly baseDb: string;

  constructor(private readonly options: PlatformOptions = {}) {
    this.baseDb = options.baseDb ?? BASE_DB;
    this.app = options.app ?? E2E_APP;
  }

  get(name: ServiceName): ServiceProcess {
    return this.services.get(name)!;
  }

  async start(): Promise<void> {
    await withAdminDb((c) => c.query(`CREATE DATABASE "${this.dbName}"`), this.baseDb);
    const dbUrl = new URL(this.baseDb);
    dbUrl.pathname = `/${this.dbName}`;
    this.dbUrl = dbUrl.toString();
    const names: ServiceName[] = [
      'sandbox', 'gateway', 'ingress', 'dispatcher', 'contacts',
      ...(this.options.notifier ? ['notifier' as const] : []), ...(this.options.analytics ? ['analytics' as const] : []),
      ...(this.options.conversations ? ['conversations' as const] : []),
    ];
    const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const))) as Record<ServiceName, number>;
    const common = {
      KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: this.suffix, KAFKA_PARTITIONS: '2', DATABASE_URL: this.dbUrl,
      ADMIN_TOKEN: this.adminToken, INTERNAL_TOKEN: randomBytes(16).toString('hex'),
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      META_APP_ID: this.app.appId, META_APP_SECRET: this.app.appSecret, META_VERIFY_TOKEN: this.app.verifyToken,
      CONTACTS_URL: `http://127.0.0.1:${ports.contacts}`,
      CONSUMER_GROUP: `gateway-${this.suffix}`, KAFKA_GROUP_ID: `dispatcher-${this.suffix}`, CONTACTS_CONSUMER_GROUP: `contacts-${this.suffix}`,
      NORMALIZER_GROUP_ID: `ingress-normalizer-${this.suffix}`,
      ...(this.options.notifier ? { NOTIFIER_URL: `http://127.0.0.1:${ports.notifier}` } : {}),
      ...(this.options.analytics ? { ANALYTICS_URL: `http://127.0.0.1:${ports.analytics}` } : {}),
      ...(this.options.conversations ? { CONVERSATIONS_URL: `http://127.0.0.1:${ports.conversations}` } : {}),
      ...(this.options.sandboxAsGraph ? { DEFAULT_GRAPH_BASE_URL: `http://127.0.0.1:${ports.sandbox}` } : {}),
      ...this.options.env,
    };
    const own: Partial<Record<ServiceName, Record<string, string>>> = {
      notifier: { NOTIFIER_CONSUMER_GROUP: `notifier-${this.suffix}`, NOTIFIER_ALLOWED_TARGETS: '127.0.0.1/32,::1/128' },
      analytics: { ANALYTICS_CONSUMER_GROUP: `analytics-${this.suffix}` },
      conversations: { CONVERSATIONS_CONSUMER_GROUP: `conversations-${this.suffix}`, AUTOMATIONS_ALLOWED_TARGETS: '127.0.0.1/32,::1/128' },
    };
    for (const n of names) this.services.set(n, new ServiceProcess(n, ports[n], { ...common, ...own[n], ...this.options.serviceEnv?.[n] }));
    await Promise.all([...this.services.values()].map((s) => s.start(120000)));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.stop().catch(() => undefined)));
    await withAdminDb((c) => c.query(`DROP DATABASE IF EXISTS "${this.dbName}" WITH (FORCE)`), this.baseDb).catch(() => undefined);
  }

  /** Registers the app, a tenant and a sandbox number; returns the tenant's API key. */
  async onboard(number: { phoneNumberId: string; displayPhoneNumber: string; wabaId: string; accessToken: string; mps?: number; tier?: string }): Promise<string> {
    const sandbox = this.get('sandbox');
    const reg = await call('POST', `${sandbox.url}/_sandbox/numbers`, {
      ...number, appSecret: this.app.appSecret, callbackUrl: `${this.get('ingress').url}/webhooks/meta/${this.app.appId}`,
    });
    if (reg.status !== 201) throw new Error(`sandbox number: ${reg.status} ${JSON.stringify(reg.body)}`);
    const admin = { authorization: `Bearer ${this.adminToken}` };
    const gw = this.get('gateway').url;
    const app = await call('POST', `${gw}/admin/v1/apps`, this.app, admin);
    if (app.status !== 201 && app.status !== 409) throw new Error(`app: ${app.status} ${JSON.stringify(app.body)}`);
    const tenant = await call('POST', `${gw}/admin/v1/tenants`, { name: `t-${this.suffix}` }, admin);
    if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
    const created = await call('POST', `${gw}/admin/v1/tenants/${tenant.body.id}/phone-numbers`, {
      ...number, appId: this.app.appId, graphBaseUrl: sandbox.url, graphApiVersion: 'v23.0', mps: number.mps ?? 80,
    }, admin);
    if (created.status !== 201) throw new Error(`number: ${created.status} ${JSON.stringify(created.body)}`);
    if (JSON.stringify(created.body).includes(number.accessToken)) throw new Error('the phone number answer carries the access token');
    return tenant.body.apiKey.key as string;
  }

  /** A query on one service's schema of this run's database. */
  async query<T extends Record<string, unknown>>(schema: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.dbUrl });
    await c.connect();
    try {
      await c.query(`SET search_path TO "${schema}"`);
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }
}

/** POSTs with bounded concurrency; retries 429/503 after a short pause (as a client would). */
export async function postAll(urls: { url: string; body: unknown; headers: Record<string, string> }[], concurrency = 16): Promise<HttpResult[]> {
  const out: HttpResult[] = new Array(urls.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      const i = next++;
      const u = urls[i]!;
      for (let attempt = 0; ; attempt++) {
        const r = await call('POST', u.url, u.body, u.headers).catch((err: Error) => ({ status: 0, body: err.message, headers: new Headers() }));
        if ((r.status === 429 || r.status === 503 || r.status === 0) && attempt < 50) {
          await new Promise((res) => setTimeout(res, 200));
          continue;
        }
        out[i] = r;
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}
