// One-shot local set-up for docker-compose.yml (what `npm start` does on the host): registers
// the local Meta app, a tenant `local` and the sandbox number with the gateway, and prints the
// tenant's API key. Idempotent: the tenant is kept in STATE_FILE (a volume), the app and the
// number are re-registered or patched. Dev only; uses the admin API of DESIGN.md §12.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const env = process.env;
const gateway = env.GATEWAY_URL ?? 'http://gateway:3000';
const stateFile = env.STATE_FILE ?? '/state/bootstrap.json';
const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
const appId = env.META_APP_ID ?? 'local';

async function call(method, path, body) {
  // The gateway may answer 503 while Kafka or Postgres settle: retry for a minute.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(gateway + path, {
        method,
        headers: { 'content-type': 'application/json', ...admin },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status < 500 || Date.now() > deadline) {
        let json;
        try { json = JSON.parse(text); } catch { json = text; }
        return { status: res.status, json };
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function expectOk(what, r, ...allowed) {
  if (r.status < 300 || allowed.includes(r.status)) return;
  throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.json)}`);
}

const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};

expectOk('register app', await call('POST', '/admin/v1/apps', {
  appId, appSecret: env.META_APP_SECRET, verifyToken: env.META_VERIFY_TOKEN,
}), 409);

if (!state.tenant) {
  const r = await call('POST', '/admin/v1/tenants', { name: 'local' });
  expectOk('create tenant', r);
  state.tenant = { id: r.json.id, apiKey: r.json.apiKey.key };
  writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
}

const number = {
  phoneNumberId: env.SANDBOX_PHONE_NUMBER_ID ?? '100000000000001',
  // the sandbox's boot number (SandboxEnv defaults)
  displayPhoneNumber: env.SANDBOX_DISPLAY_PHONE_NUMBER ?? '15550001234',
  wabaId: env.SANDBOX_WABA_ID ?? '100000000000001',
  appId,
  accessToken: env.SANDBOX_ACCESS_TOKEN ?? 'sandbox-access-token',
  graphBaseUrl: env.GRAPH_BASE_URL ?? 'http://sandbox:3100',
  graphApiVersion: 'v23.0',
};
const base = `/admin/v1/tenants/${state.tenant.id}/phone-numbers`;
const created = await call('POST', base, number);
if (created.status === 409) {
  const { phoneNumberId, ...patch } = number;
  expectOk('update number', await call('PATCH', `${base}/${phoneNumberId}`, patch));
} else {
  expectOk('register number', created);
}

process.stdout.write(
  [
    'wabridge compose stack is set up:',
    `  gateway   http://localhost:3000 (OpenAPI at /docs)`,
    `  tenant    local (${state.tenant.id})`,
    `  API key   ${state.tenant.apiKey}`,
    `  number    ${number.phoneNumberId} (sandbox, Graph at ${number.graphBaseUrl})`,
    `  webhook   http://localhost:3001/webhooks/meta/${appId}`,
    '',
  ].join('\n'),
);
