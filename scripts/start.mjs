// `npm start`: the whole local platform on this machine. Starts Kafka (if not up), prepares
// Postgres, builds, starts every built service with matching local settings, registers the
// local Meta app, sandbox number and tenant, starts a local webhook receiver registered for the
// tenant (it prints every event the notifier delivers), prints URLs and credentials, and stops
// what it started on Ctrl-C / SIGTERM.
//
// PORT_OFFSET=<n> moves every port (services, management, receiver) by n, e.g. to run a second
// stack beside one already running (with its own DATABASE_URL, TOPIC_SUFFIX, LOCAL_STATE_DIR).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import { startLocalReceiver } from './lib/local-receiver.mjs';
import { buildAll, DEFAULT_DATABASE_URL, ensureDatabase, ensureKafka, ensureS3, ROOT, run } from './lib/stack.mjs';

const OFFSET = Number(process.env.PORT_OFFSET ?? 0);
if (!Number.isInteger(OFFSET) || OFFSET < 0 || OFFSET > 20000) throw new Error(`PORT_OFFSET must be an integer 0…20000, got ${process.env.PORT_OFFSET}`);
const port = (p) => p + OFFSET;
const urlOf = (p) => `http://127.0.0.1:${port(p)}`;
const RECEIVER_PORT = 3199;

const SERVICES = [
  // order matters: the sandbox (Meta) first, the gateway before those that need its registry
  { name: 'sandbox', port: 3100 },
  // managementPort: /health/* and /metrics of the internet-facing services (ADR 0074)
  { name: 'gateway', port: 3000, managementPort: 9300 },
  { name: 'ingress', port: 3001, managementPort: 9301 },
  { name: 'dispatcher', port: 3002 },
  { name: 'contacts', port: 3003 },
  { name: 'media', port: 3004 },
  { name: 'analytics', port: 3005 },
  // Loopback targets allowed so the local receiver (127.0.0.1) passes the SSRF guard.
  { name: 'notifier', port: 3006, env: { NOTIFIER_ALLOWED_TARGETS: '127.0.0.1/32,::1/128' } },
  { name: 'conversations', port: 3007 },
  // Reads audiences from contacts (CONTACTS_URL), so after it (ADR 0151).
  { name: 'campaigns', port: 3008 },
];

// LOCAL_STATE_DIR: where dev secrets, the tenant's key and logs live (a second stack keeps its own).
const stateDir = process.env.LOCAL_STATE_DIR ?? join(ROOT, '.local');
mkdirSync(join(stateDir, 'logs'), { recursive: true });
const secretsFile = join(stateDir, 'dev-secrets.json');
const logsDir = relative(ROOT, join(stateDir, 'logs')).startsWith('..') ? join(stateDir, 'logs') : relative(ROOT, join(stateDir, 'logs'));
// Dev secrets are generated once and kept, so data encrypted by one run opens in the next.
const saved = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, 'utf8')) : {};
const secret = (name, make) => process.env[name] ?? saved[name] ?? (saved[name] = make());
const hex = (n) => () => randomBytes(n).toString('hex');
const env = {
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  DATABASE_URL: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  META_APP_ID: process.env.META_APP_ID ?? 'local',
  META_APP_SECRET: secret('META_APP_SECRET', hex(16)),
  META_VERIFY_TOKEN: secret('META_VERIFY_TOKEN', hex(12)),
  ADMIN_TOKEN: secret('ADMIN_TOKEN', hex(24)),
  INTERNAL_TOKEN: secret('INTERNAL_TOKEN', hex(24)),
  ENCRYPTION_KEYS: secret('ENCRYPTION_KEYS', () => `k1:${randomBytes(32).toString('base64')}`),
  SANDBOX_PHONE_NUMBER_ID: process.env.SANDBOX_PHONE_NUMBER_ID ?? '100000000000001',
  SANDBOX_ACCESS_TOKEN: secret('SANDBOX_ACCESS_TOKEN', hex(20)),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  // .local/logs/*.log are read by people: one line per event, `time LEVEL service/component msg k=v`
  // (ADR 0179); LOG_FORMAT=json npm start writes the production JSON lines instead.
  LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
};
writeFileSync(secretsFile, JSON.stringify(saved, null, 2), { mode: 0o600 });

console.log(`wabridge: node ${process.version}`);
// A broker that was already up (another checkout's, a shared one) is left running at the end.
const kafkaWasUp = spawnSync(process.execPath, [join(ROOT, 'scripts/kafka/wait.mjs'), '--timeout', '2000'], { cwd: ROOT, stdio: 'ignore' }).status === 0;
ensureKafka();
// MEDIA_STORAGE=s3 npm start: media objects in the local S3 server (started here, stopped at the end if it was not up)
const s3 = process.env.MEDIA_STORAGE === 's3' ? ensureS3() : undefined;
await ensureDatabase(env.DATABASE_URL);
// A service that does not build is skipped (with a line saying so) rather than taking the
// whole stack down; only the notifier is young enough for that today.
const skipped = new Map();
try {
  buildAll();
} catch (err) {
  if (!existsSync(join(ROOT, 'apps', 'notifier', 'package.json'))) throw err;
  console.warn(`wabridge: the build failed (${err.message}); building again without the notifier`);
  run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only', '--filter=!@wabridge/notifier']);
  skipped.set('notifier', 'it does not build (see the errors above)');
}

const children = [];
/** The local receiver's server and the endpoint it is registered as (this run). */
let receiver;
let receiverEndpoint;
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nwabridge: stopping services…');
  for (const c of children.reverse()) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
  receiver?.server.closeAllConnections();
  receiver?.server.close();
  if (process.env.KEEP_KAFKA !== '1' && !kafkaWasUp) run('bash', [join(ROOT, 'scripts/kafka/stop.sh')]);
  if (s3 && !s3.wasUp) run('bash', [join(ROOT, 'scripts/s3/stop.sh')]);
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function waitLive(url, child, name) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}); see ${logsDir}/${name}.log`);
    const ok = await fetch(`${url}/health/live`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not come up; see ${logsDir}/${name}.log`);
}

// Where services find each other (their defaults assume no PORT_OFFSET).
const links = {
  // DEFAULT_GRAPH_BASE_URL: embedded signup (ADR 0168) and the numbers it adds talk to the sandbox as Meta.
  gateway: { DEFAULT_GRAPH_BASE_URL: urlOf(3100), CONTACTS_URL: urlOf(3003), MEDIA_URL: urlOf(3004), ANALYTICS_URL: urlOf(3005), NOTIFIER_URL: urlOf(3006), CONVERSATIONS_URL: urlOf(3007), CAMPAIGNS_URL: urlOf(3008) },
  campaigns: { CONTACTS_URL: urlOf(3003), ANALYTICS_URL: urlOf(3005) },
  sandbox: { SANDBOX_CALLBACK_URL: `${urlOf(3001)}/webhooks/meta/${env.META_APP_ID}` },
  media: s3?.env ?? {},
};

const started = [];
for (const svc of SERVICES) {
  const entry = join(ROOT, 'apps', svc.name, 'dist', 'main.js');
  if (!existsSync(join(ROOT, 'apps', svc.name, 'package.json'))) {
    // Not in this checkout (media and analytics are on the roadmap); the notifier is worth a word.
    if (svc.name === 'notifier') skipped.set(svc.name, 'apps/notifier is not in this checkout');
    else continue;
  }
  if (!skipped.has(svc.name) && !existsSync(entry)) skipped.set(svc.name, `apps/${svc.name}/dist/main.js is missing`);
  if (skipped.has(svc.name)) {
    console.warn(`wabridge: skipping ${svc.name}: ${skipped.get(svc.name)}`);
    continue;
  }
  const log = createWriteStream(join(stateDir, 'logs', `${svc.name}.log`), { flags: 'a' });
  const management = svc.managementPort ? { MANAGEMENT_PORT: String(port(svc.managementPort)) } : {};
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...management, ...links[svc.name], ...svc.env, PORT: String(port(svc.port)) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`wabridge: ${svc.name} exited (${code ?? signal}); see ${logsDir}/${svc.name}.log`);
      void stopAll(1);
    }
  });
  children.push(child);
  const url = urlOf(svc.port);
  const managementUrl = urlOf(svc.managementPort ?? svc.port);
  await waitLive(managementUrl, child, svc.name);
  started.push({ ...svc, url, managementUrl });
}

const has = (name) => started.some((s) => s.name === name);
const localApp = { appId: env.META_APP_ID, appSecret: env.META_APP_SECRET, verifyToken: env.META_VERIFY_TOKEN };
const sandboxNumber = {
  phoneNumberId: env.SANDBOX_PHONE_NUMBER_ID,
  displayPhoneNumber: '15550000001',
  wabaId: '200000000000001',
  accessToken: env.SANDBOX_ACCESS_TOKEN,
};

async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

// Local set-up (idempotent): the sandbox number signs webhooks with the local app secret and
// sends them to ingress; the gateway knows the app, the tenant `local` and the number.
if (has('sandbox')) {
  const r = await call('POST', `${urlOf(3100)}/_sandbox/numbers`, {
    ...sandboxNumber, appSecret: env.META_APP_SECRET, callbackUrl: links.sandbox.SANDBOX_CALLBACK_URL,
  });
  if (r.status >= 300) console.warn(`sandbox: number registration answered ${r.status}: ${JSON.stringify(r.json)}`);
}
let tenant = saved.localTenant;
if (has('gateway')) {
  const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
  await call('POST', `${urlOf(3000)}/admin/v1/apps`, localApp, admin);
  // The database may outlive this checkout's .local/ (another clone, a reset): reuse the
  // tenant `local` the gateway already has, with a new key if we do not hold one for it.
  const existing = await call('GET', `${urlOf(3000)}/admin/v1/tenants`, undefined, admin);
  const local = existing.status === 200 ? existing.json.data.find((t) => t.name === 'local') : undefined;
  if (tenant && (!local || local.id !== tenant.id)) tenant = undefined;
  if (!tenant && local) {
    // every scope, asked explicitly: a key created without `scopes` gets messages only (ADR 0162)
    const k = await call('POST', `${urlOf(3000)}/admin/v1/tenants/${local.id}/api-keys`, { scopes: ['messages:send', 'messages:read', 'contacts', 'media', 'webhooks', 'conversations', 'campaigns', 'admin'] }, admin);
    if (k.status === 201) tenant = { id: local.id, apiKey: k.json.key };
  }
  if (!tenant) {
    const r = await call('POST', `${urlOf(3000)}/admin/v1/tenants`, { name: 'local' }, admin);
    if (r.status === 201) tenant = { id: r.json.id, apiKey: r.json.apiKey.key };
    else console.warn(`gateway: tenant creation answered ${r.status}: ${JSON.stringify(r.json)}`);
  }
  if (tenant) {
    saved.localTenant = tenant;
    writeFileSync(secretsFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
  }
  if (tenant) {
    const number = { ...sandboxNumber, appId: env.META_APP_ID, graphBaseUrl: urlOf(3100), graphApiVersion: 'v23.0' };
    const r = await call('POST', `${urlOf(3000)}/admin/v1/tenants/${tenant.id}/phone-numbers`, number, admin);
    if (r.status === 409) {
      const { phoneNumberId: _id, ...patch } = number;
      await call('PATCH', `${urlOf(3000)}/admin/v1/tenants/${tenant.id}/phone-numbers/${number.phoneNumberId}`, patch, admin);
    } else if (r.status >= 300) console.warn(`gateway: number registration answered ${r.status}: ${JSON.stringify(r.json)}`);
  }
}

// The local receiver: registered for the tenant `local` through the gateway, it prints every
// event the notifier delivers (an inbound message appears seconds after POST /_sandbox/inbound).
if (has('notifier') && has('gateway') && tenant) {
  let receiverSecret;
  try {
    receiver = await startLocalReceiver({ port: port(RECEIVER_PORT), secret: () => receiverSecret });
    const registered = await registerReceiver(receiver.url, tenant.apiKey, saved.localReceiver);
    if (registered) {
      receiverSecret = registered.secret;
      receiverEndpoint = registered;
      saved.localReceiver = registered;
      writeFileSync(secretsFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
    }
  } catch (err) {
    console.warn(`receiver: not started (${err.message})`);
  }
} else if (!has('notifier')) {
  console.warn('wabridge: no notifier running, so no webhook deliveries and no local receiver');
}

/**
 * Reuses the endpoint registered by an earlier run when it still exists (its secret is shown
 * only at creation, so it is kept in .local/dev-secrets.json); otherwise creates one. Other
 * endpoints of the tenant at the same URL are ones whose secret this checkout lost: removed, or
 * their deliveries would be refused as unsigned.
 */
async function registerReceiver(url, apiKey, previous) {
  const auth = { authorization: `Bearer ${apiKey}` };
  const base = `${urlOf(3000)}/v1/webhook-endpoints`;
  const list = await call('GET', base, undefined, auth);
  if (list.status !== 200) {
    console.warn(`receiver: listing webhook endpoints answered ${list.status}: ${JSON.stringify(list.json)}`);
    return undefined;
  }
  const endpoints = Array.isArray(list.json?.data) ? list.json.data : [];
  const kept = previous && endpoints.find((e) => e.id === previous.id && e.url === url && e.enabled !== false) ? previous : undefined;
  for (const e of endpoints) {
    if (e.url === url && e.id !== kept?.id) await call('DELETE', `${base}/${encodeURIComponent(e.id)}`, undefined, auth);
  }
  if (kept) return kept;
  const r = await call('POST', base, { url, description: 'npm start: local receiver (prints what arrives)' }, auth);
  if (r.status !== 201 || typeof r.json?.secret !== 'string') {
    console.warn(`receiver: registration answered ${r.status}: ${JSON.stringify(r.json)}`);
    return undefined;
  }
  return { id: r.json.id, url, secret: r.json.secret };
}

console.log('\nWabridge is up (node ' + process.version + '):');
for (const s of started) console.log(`  ${s.name.padEnd(10)} ${s.url}${s.managementPort ? `  (health/metrics: ${s.managementUrl})` : ""}`);
if (receiverEndpoint) console.log(`  receiver   ${receiver.url}  (webhooks of tenant local: each event is printed here)`);
console.log(`  kafka      ${env.KAFKA_BROKERS}`);
console.log(`  postgres   ${env.DATABASE_URL}`);
console.log('\nLocal Meta app:');
console.log(`  META_APP_ID=${env.META_APP_ID}`);
console.log(`  META_APP_SECRET=${env.META_APP_SECRET}`);
console.log(`  META_VERIFY_TOKEN=${env.META_VERIFY_TOKEN}`);
console.log(`  webhook    ${urlOf(3001)}/webhooks/meta/${env.META_APP_ID}`);
if (has('gateway')) {
  console.log(`\nADMIN_TOKEN=${env.ADMIN_TOKEN}`);
  if (tenant) console.log(`tenant local: id ${tenant.id}, API key ${tenant.apiKey}`);
}
if (has('sandbox')) console.log(`SANDBOX_PHONE_NUMBER_ID=${env.SANDBOX_PHONE_NUMBER_ID}`);
if (has('sandbox') && receiverEndpoint) {
  console.log('\nA customer writes; the receiver prints it within seconds:');
  console.log(`  curl -s -XPOST ${urlOf(3100)}/_sandbox/inbound -H 'content-type: application/json' \\`);
  console.log(`    -d '{"phoneNumberId":"${env.SANDBOX_PHONE_NUMBER_ID}","from":"4915112345678","profileName":"Ada","message":{"type":"text","text":{"body":"Hello!"}}}'`);
}
console.log(`\nLogs in ${logsDir}/. Ctrl-C stops everything this command started.`);
