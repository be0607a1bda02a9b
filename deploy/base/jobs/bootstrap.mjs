// First-tenant bootstrap for Kubernetes (ADR 0172; the compose stack has
// deploy/compose/bootstrap.mjs). Run once by the Job `bootstrap` with the gateway's image:
//   1. registers the Meta app META_APP_ID (409 = already registered: fine);
//   2. creates the tenant BOOTSTRAP_TENANT_NAME through the admin API (DESIGN.md §12);
//   3. stores its id and first API key in the Secret BOOTSTRAP_SECRET_NAME of this namespace
//      through the Kubernetes API (the Job's service account may create that one Secret).
// The key is never printed. Idempotent: when the Secret exists, nothing is done, so re-running
// the Job never makes a second tenant. Exits non-zero with the reason on any failure.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';

const env = process.env;
const SA = env.SERVICE_ACCOUNT_DIR ?? '/var/run/secrets/kubernetes.io/serviceaccount';
const gateway = env.GATEWAY_URL ?? 'http://gateway:3000';
const tenantName = env.BOOTSTRAP_TENANT_NAME || 'default';
const secretName = env.BOOTSTRAP_SECRET_NAME || 'wabridge-first-tenant';
const deadlineMs = Number(env.BOOTSTRAP_WAIT_MS ?? 300_000);
const log = (msg, fields = {}) => process.stdout.write(`${JSON.stringify({ level: 'info', msg, ...fields })}\n`);

function fail(msg) {
  process.stdout.write(`${JSON.stringify({ level: 'error', msg })}\n`);
  process.exit(1);
}

for (const name of ['ADMIN_TOKEN', 'META_APP_ID', 'META_APP_SECRET', 'META_VERIFY_TOKEN']) {
  if (!env[name]) fail(`${name} is not set`);
}

/** One HTTP(S) call with a JSON body and a 10 s timeout; resolves {status, json}. */
function call(url, { method = 'GET', headers = {}, body, ca } = {}) {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(u, {
      method,
      ca,
      timeout: 10_000,
      headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${u.origin}${u.pathname} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

// ---- Kubernetes API: this namespace's Secret, with the pod's service-account token ----------
const kube = {
  base: env.KUBERNETES_API_URL ?? `https://${env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT ?? 443}`,
  token: readFileSync(`${SA}/token`, 'utf8').trim(),
  namespace: env.POD_NAMESPACE || readFileSync(`${SA}/namespace`, 'utf8').trim(),
  ca: (() => { try { return readFileSync(`${SA}/ca.crt`); } catch { return undefined; } })(),
};
const kubeCall = (path, options = {}) =>
  call(`${kube.base}/api/v1/namespaces/${encodeURIComponent(kube.namespace)}/secrets${path}`, {
    ...options, ca: kube.ca, headers: { authorization: `Bearer ${kube.token}` },
  });

const existing = await kubeCall(`/${encodeURIComponent(secretName)}`);
if (existing.status === 200) {
  log('already bootstrapped: nothing to do', { secret: secretName });
  process.exit(0);
}
if (existing.status !== 404) fail(`reading Secret ${secretName} answered ${existing.status}: ${JSON.stringify(existing.json?.message ?? existing.json)}`);

// ---- gateway admin API (waits for the gateway to become ready) -----------------------------
async function admin(method, path, body) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const r = await call(gateway + path, { method, body, headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });
      if (r.status < 500 && r.status !== 0) return r;
      if (Date.now() > until) return r;
    } catch (err) {
      if (Date.now() > until) fail(`${method} ${path}: ${err.message}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
const errorOf = (r) => JSON.stringify(r.json?.error ?? r.json);

const app = await admin('POST', '/admin/v1/apps', { appId: env.META_APP_ID, appSecret: env.META_APP_SECRET, verifyToken: env.META_VERIFY_TOKEN });
if (app.status >= 300 && app.status !== 409) fail(`registering Meta app ${env.META_APP_ID} answered ${app.status}: ${errorOf(app)}`);
log(app.status === 409 ? 'Meta app already registered' : 'Meta app registered', { appId: env.META_APP_ID });

const tenant = await admin('POST', '/admin/v1/tenants', { name: tenantName });
if (tenant.status !== 201) fail(`creating tenant ${tenantName} answered ${tenant.status}: ${errorOf(tenant)}`);
const { id, apiKey } = tenant.json;

const b64 = (s) => Buffer.from(String(s), 'utf8').toString('base64');
const created = await kubeCall('', {
  method: 'POST',
  body: {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, labels: { 'app.kubernetes.io/part-of': 'wabridge', 'app.kubernetes.io/name': 'bootstrap' } },
    type: 'Opaque',
    data: { TENANT_ID: b64(id), TENANT_NAME: b64(tenantName), API_KEY: b64(apiKey.key), API_KEY_ID: b64(apiKey.id) },
  },
});
if (created.status !== 201) {
  // The tenant exists but its key is lost: say which tenant, so an operator can revoke it
  // (DELETE /admin/v1/api-keys/:id) and issue a new key, and the Job is not re-run blindly.
  fail(`tenant ${tenantName} (${id}) was created, but storing its key in Secret ${secretName} answered ${created.status}: ${JSON.stringify(created.json?.message ?? created.json)}; revoke API key ${apiKey.id} and create a new one with the admin API`);
}
log('first tenant created; its API key is in the Secret (key API_KEY)', { tenant: tenantName, tenantId: id, secret: secretName });
