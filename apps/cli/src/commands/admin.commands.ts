import { need, UsageError } from '../args';
import { adminClient, Context } from '../context';
import { formatObject, formatTable } from '../output';
import { numberRegistration, REGISTRATION_ACTIONS } from './onboarding.commands';

/**
 * The operator API (`/admin/v1`, DESIGN §12): tenants, API keys, Meta apps and phone numbers.
 * Same routes and bodies as `npm run admin` (apps/gateway/src/cli), through @wabridge/client.
 */
type Body = Record<string, unknown>;
const optional = (body: Body): Body => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
const num = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${what} must be a number, got "${v}"`);
  return Number(v);
};
const rows = (page: unknown): unknown[] => ((page as { data?: unknown[] })?.data ?? (Array.isArray(page) ? page : []));

export async function tenants(ctx: Context): Promise<void> {
  const admin = adminClient(ctx);
  if (ctx.inv.action === 'list') {
    const page = await admin.get('/admin/v1/tenants');
    ctx.out.result(page, (p) => formatTable(rows(p), ['id', 'name', 'createdAt']));
    return;
  }
  const name = need(ctx.inv.args[0], '<name>', 'tenants create');
  const created = (await admin.post('/admin/v1/tenants', { body: { name } })) as { id: string; name: string; apiKey: { id: string; key: string; scopes: string[] } };
  ctx.out.result(created, () => `tenant ${created.name}: ${created.id}\nAPI key (shown once): ${created.apiKey.key}\nkey id ${created.apiKey.id}, scopes ${created.apiKey.scopes.join(',')}`);
}

export async function keys(ctx: Context): Promise<void> {
  const admin = adminClient(ctx);
  const where = `keys ${ctx.inv.action}`;
  if (ctx.inv.action === 'revoke') {
    const id = need(ctx.inv.args[0], '<keyId>', where);
    await admin.delete('/admin/v1/api-keys/{id}', { path: { id } });
    ctx.out.result({ revoked: id }, () => `revoked ${id}`);
    return;
  }
  const tenantId = need(ctx.inv.options.tenant ?? ctx.inv.args[0], '--tenant <id>', where);
  if (ctx.inv.action === 'list') {
    const page = await admin.get('/admin/v1/tenants/{tenantId}/api-keys', { path: { tenantId } });
    ctx.out.result(page, (p) => formatTable(rows(p), ['id', 'prefix', 'scopes', 'createdAt', 'revokedAt', 'lastUsedAt']));
    return;
  }
  const scopes = ctx.inv.options.scopes?.split(',').map((s) => s.trim()).filter(Boolean);
  const key = (await admin.post('/admin/v1/tenants/{tenantId}/api-keys', { path: { tenantId }, body: optional({ scopes }) as never })) as { id: string; key: string; scopes: string[] };
  ctx.out.result(key, () => `API key (shown once): ${key.key}\nkey id ${key.id}, scopes ${key.scopes.join(',')}`);
}

export async function apps(ctx: Context): Promise<void> {
  const admin = adminClient(ctx);
  if (ctx.inv.action === 'list') {
    const page = await admin.get('/admin/v1/apps');
    ctx.out.result(page, (p) => formatTable(rows(p), ['appId', 'createdAt']));
    return;
  }
  const o = ctx.inv.options;
  const body = { appId: need(ctx.inv.args[0], '<appId>', 'apps add'), appSecret: need(o.secret, '--secret', 'apps add'), verifyToken: need(o['verify-token'], '--verify-token', 'apps add') };
  ctx.out.result(await admin.post('/admin/v1/apps', { body }));
}

export async function numbers(ctx: Context): Promise<void> {
  // signup and registration are the tenant's own (its API key), not the operator's
  if ((REGISTRATION_ACTIONS as readonly string[]).includes(ctx.inv.action ?? '')) return numberRegistration(ctx);
  const admin = adminClient(ctx);
  const o = ctx.inv.options;
  const where = `numbers ${ctx.inv.action}`;
  const tenantId = need(o.tenant, '--tenant <id>', where);
  if (ctx.inv.action === 'list') {
    const page = await admin.get('/admin/v1/tenants/{tenantId}/phone-numbers', { path: { tenantId } });
    ctx.out.result(page, (p) => formatTable(rows(p), ['phoneNumberId', 'displayPhoneNumber', 'wabaId', 'status', 'mps', 'tier']));
    return;
  }
  if (ctx.inv.action === 'add') {
    const body = optional({
      phoneNumberId: need(o['phone-number-id'], '--phone-number-id', where), displayPhoneNumber: need(o.display, '--display', where),
      wabaId: need(o.waba, '--waba', where), appId: need(o.app, '--app', where), accessToken: need(o.token, '--token', where), businessId: o.business,
      graphBaseUrl: o['graph-base-url'], graphApiVersion: o['graph-version'], mps: num(o.mps, '--mps'), tier: o.tier,
    });
    ctx.out.result(await admin.post('/admin/v1/tenants/{tenantId}/phone-numbers', { path: { tenantId }, body: body as never }), formatObject);
    return;
  }
  const phoneNumberId = need(ctx.inv.args[0], '<phoneNumberId>', where);
  const body = optional({
    status: o.status, pausedReason: o['paused-reason'], accessToken: o.token, displayPhoneNumber: o.display,
    graphBaseUrl: o['graph-base-url'], graphApiVersion: o['graph-version'], mps: num(o.mps, '--mps'), tier: o.tier,
  });
  ctx.out.result(await admin.patch('/admin/v1/tenants/{tenantId}/phone-numbers/{phoneNumberId}', { path: { tenantId, phoneNumberId }, body: body as never }), formatObject);
}
