// `npm start`: the whole local platform on this machine. Starts Kafka (if not up), prepares
// Postgres, builds, starts every built service with matching local settings, registers the
// local Meta app, sandbox number and tenant, prints URLs and credentials, and stops what it
// started on Ctrl-C / SIGTERM.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { buildAll, DEFAULT_DATABASE_URL, ensureDatabase, ensureKafka, ROOT, run } from './lib/stack.mjs';

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
  { name: 'notifier', port: 3006 },
];

const stateDir = join(ROOT, '.local');
mkdirSync(join(stateDir, 'logs'), { recursive: true });
const secretsFile = join(stateDir, 'dev-secrets.json');
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
};
writeFileSync(secretsFile, JSON.stringify(saved, null, 2), { mode: 0o600 });

console.log(`wabridge: node ${process.version}`);
ensureKafka();
await ensureDatabase(env.DATABASE_URL);
buildAll();

const children = [];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nwabridge: stopping services…');
  for (const c of children.reverse()) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
  if (process.env.KEEP_KAFKA !== '1') run('bash', [join(ROOT, 'scripts/kafka/stop.sh')]);
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function waitLive(url, child, name) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}); see .local/logs/${name}.log`);
    const ok = await fetch(`${url}/health/live`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not come up; see .local/logs/${name}.log`);
}

const started = [];
for (const svc of SERVICES) {
  const entry = join(ROOT, 'apps', svc.name, 'dist', 'main.js');
  if (!existsSync(entry)) continue;
  const log = createWriteStream(join(stateDir, 'logs', `${svc.name}.log`), { flags: 'a' });
  const management = svc.managementPort ? { MANAGEMENT_PORT: String(svc.managementPort) } : {};
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env: { ...process.env, ...env, ...management, PORT: String(svc.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`wabridge: ${svc.name} exited (${code ?? signal}); see .local/logs/${svc.name}.log`);
      void stopAll(1);
    }
  });
  children.push(child);
  const url = `http://127.0.0.1:${svc.port}`;
  const managementUrl = `http://127.0.0.1:${svc.managementPort ?? svc.port}`;
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
  const r = await call('POST', 'http://127.0.0.1:3100/_sandbox/numbers', {
    ...sandboxNumber, appSecret: env.META_APP_SECRET, callbackUrl: `http://127.0.0.1:3001/webhooks/meta/${env.META_APP_ID}`,
  });
  if (r.status >= 300) console.warn(`sandbox: number registration answered ${r.status}: ${JSON.stringify(r.json)}`);
}
let tenant = saved.localTenant;
if (has('gateway')) {
  const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
  await call('POST', 'http://127.0.0.1:3000/admin/v1/apps', localApp, admin);
  // The database may outlive this checkout's .local/ (another clone, a reset): reuse the
  // tenant `local` the gateway already has, with a new key if we do not hold one for it.
  const existing = await call('GET', 'http://127.0.0.1:3000/admin/v1/tenants', undefined, admin);
  const local = existing.status === 200 ? existing.json.data.find((t) => t.name === 'local') : undefined;
  if (tenant && (!local || local.id !== tenant.id)) tenant = undefined;
  if (!tenant && local) {
    const k = await call('POST', `http://127.0.0.1:3000/admin/v1/tenants/${local.id}/api-keys`, {}, admin);
    if (k.status === 201) tenant = { id: local.id, apiKey: k.json.key };
  }
  if (!tenant) {
    const r = await call('POST', 'http://127.0.0.1:3000/admin/v1/tenants', { name: 'local' }, admin);
    if (r.status === 201) tenant = { id: r.json.id, apiKey: r.json.apiKey.key };
    else console.warn(`gateway: tenant creation answered ${r.status}: ${JSON.stringify(r.json)}`);
  }
  if (tenant) {
    saved.localTenant = tenant;
    writeFileSync(secretsFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
  }
  if (tenant) {
    const number = { ...sandboxNumber, appId: env.META_APP_ID, graphBaseUrl: 'http://127.0.0.1:3100', graphApiVersion: 'v23.0' };
    const r = await call('POST', `http://127.0.0.1:3000/admin/v1/tenants/${tenant.id}/phone-numbers`, number, admin);
    if (r.status === 409) {
      const { phoneNumberId: _id, ...patch } = number;
      await call('PATCH', `http://127.0.0.1:3000/admin/v1/tenants/${tenant.id}/phone-numbers/${number.phoneNumberId}`, patch, admin);
    } else if (r.status >= 300) console.warn(`gateway: number registration answered ${r.status}: ${JSON.stringify(r.json)}`);
  }
}

console.log('\nWabridge is up (node ' + process.version + '):');
for (const s of started) console.log(`  ${s.name.padEnd(10)} ${s.url}${s.managementPort ? `  (health/metrics: ${s.managementUrl})` : ""}`);
console.log(`  kafka      ${env.KAFKA_BROKERS}`);
console.log(`  postgres   ${env.DATABASE_URL}`);
console.log('\nLocal Meta app:');
console.log(`  META_APP_ID=${env.META_APP_ID}`);
console.log(`  META_APP_SECRET=${env.META_APP_SECRET}`);
console.log(`  META_VERIFY_TOKEN=${env.META_VERIFY_TOKEN}`);
console.log(`  webhook    http://127.0.0.1:3001/webhooks/meta/${env.META_APP_ID}`);
if (has('gateway')) {
  console.log(`\nADMIN_TOKEN=${env.ADMIN_TOKEN}`);
  if (tenant) console.log(`tenant local: id ${tenant.id}, API key ${tenant.apiKey}`);
}
if (has('sandbox')) console.log(`SANDBOX_PHONE_NUMBER_ID=${env.SANDBOX_PHONE_NUMBER_ID}`);
console.log('\nLogs in .local/logs/. Ctrl-C stops everything this command started.');
