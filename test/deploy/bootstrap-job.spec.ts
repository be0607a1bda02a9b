/**
 * deploy/base/jobs/bootstrap.mjs, the first-tenant bootstrap Job's script, run as the Job runs
 * it (node, env, a service-account folder) against a stand-in gateway admin API and a
 * stand-in Kubernetes API on loopback: the tenant's key ends up in the Secret and never in
 * the output; a second run creates nothing; a refused Secret write fails loudly.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'deploy', 'base', 'jobs', 'bootstrap.mjs');
const ADMIN_TOKEN = 'adm-test-token-0123456789';
const SA_TOKEN = 'sa-token-abc';

type Handler = (req: IncomingMessage, body: any, res: ServerResponse) => void;
async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => handler(req, text ? JSON.parse(text) : undefined, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const reply = (res: ServerResponse, status: number, body?: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
};

describe('bootstrap Job script', () => {
  let gateway: { url: string; server: Server };
  let kube: { url: string; server: Server };
  let saDir: string;
  const tenants: { name: string; id: string; key: string }[] = [];
  const apps: string[] = [];
  const secrets = new Map<string, any>();
  let refuseSecretWrites = false;

  beforeAll(async () => {
    gateway = await serve((req, body, res) => {
      if (req.headers.authorization !== `Bearer ${ADMIN_TOKEN}`) return reply(res, 401, { error: { code: 'unauthorized', message: 'no' } });
      if (req.method === 'POST' && req.url === '/admin/v1/apps') {
        if (apps.includes(body.appId)) return reply(res, 409, { error: { code: 'conflict', message: 'exists' } });
        apps.push(body.appId);
        return reply(res, 201, { appId: body.appId });
      }
      if (req.method === 'POST' && req.url === '/admin/v1/tenants') {
        const t = { name: body.name, id: `t-${tenants.length + 1}`, key: `wab_live_${tenants.length + 1}_secretkeymaterial` };
        tenants.push(t);
        return reply(res, 201, { id: t.id, name: t.name, apiKey: { id: `k-${t.id}`, key: t.key, prefix: 'wab_live', scopes: ['*'] } });
      }
      reply(res, 404, { error: { code: 'not_found', message: req.url } });
    });
    kube = await serve((req, body, res) => {
      if (req.headers.authorization !== `Bearer ${SA_TOKEN}`) return reply(res, 401, { message: 'Unauthorized' });
      const m = /^\/api\/v1\/namespaces\/wabridge\/secrets(?:\/([^/]+))?$/.exec(req.url ?? '');
      if (!m) return reply(res, 404, { message: 'no such path' });
      if (req.method === 'GET' && m[1]) return secrets.has(m[1]) ? reply(res, 200, secrets.get(m[1])) : reply(res, 404, { message: 'not found' });
      if (req.method === 'POST' && !m[1]) {
        if (refuseSecretWrites) return reply(res, 403, { message: 'secrets is forbidden' });
        secrets.set(body.metadata.name, body);
        return reply(res, 201, body);
      }
      reply(res, 405, { message: 'method' });
    });
    saDir = mkdtempSync(join(tmpdir(), 'wabridge-sa-'));
    writeFileSync(join(saDir, 'token'), SA_TOKEN);
    writeFileSync(join(saDir, 'namespace'), 'wabridge');
  });
  afterAll(async () => {
    await new Promise((r) => gateway.server.close(r));
    await new Promise((r) => kube.server.close(r));
    rmSync(saDir, { recursive: true, force: true });
  });

  const run = (secretName = 'wabridge-first-tenant'): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [SCRIPT], {
        timeout: 30000,
        env: {
          PATH: process.env.PATH,
          GATEWAY_URL: gateway.url, KUBERNETES_API_URL: kube.url, SERVICE_ACCOUNT_DIR: saDir,
          ADMIN_TOKEN, META_APP_ID: '1234567890', META_APP_SECRET: 'app-secret-from-meta', META_VERIFY_TOKEN: 'verify-me',
          BOOTSTRAP_TENANT_NAME: 'acme', BOOTSTRAP_SECRET_NAME: secretName, BOOTSTRAP_WAIT_MS: '2000',
        },
      }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
    });

  it('registers the app, creates the tenant and stores its key in the Secret, printing no secret', async () => {
    const { code, out } = await run();
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('first tenant created') });
    expect(apps).toEqual(['1234567890']);
    expect(tenants.map((t) => t.name)).toEqual(['acme']);
    const data = secrets.get('wabridge-first-tenant').data as Record<string, string>;
    const decoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    expect(decoded).toEqual({ TENANT_ID: 't-1', TENANT_NAME: 'acme', API_KEY: tenants[0]!.key, API_KEY_ID: 'k-t-1' });
    for (const secret of [tenants[0]!.key, ADMIN_TOKEN, 'app-secret-from-meta', 'verify-me', SA_TOKEN]) expect(out).not.toContain(secret);
  });

  it('does nothing when the Secret already exists (re-running the Job makes no second tenant)', async () => {
    const { code, out } = await run();
    expect(code).toBe(0);
    expect(out).toContain('already bootstrapped');
    expect(tenants).toHaveLength(1);
  });

  it('fails naming the tenant and the key to revoke, without the key, when the Secret cannot be written', async () => {
    refuseSecretWrites = true;
    const { code, out } = await run('another-secret');
    refuseSecretWrites = false;
    expect(code).toBe(1);
    expect(out).toContain('tenant acme (t-2) was created');
    expect(out).toContain('revoke API key k-t-2');
    expect(out).not.toContain(tenants[1]!.key);
  });
});
