import { parseArgs } from 'node:util';

/** One admin API call, built from CLI arguments (pure, unit-tested). */
export interface AdminRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

export const USAGE = `Usage: npm run admin -- <command> [args] [--options]
  (env: GATEWAY_URL default http://127.0.0.1:3000, ADMIN_TOKEN required)

  create-tenant <name>                         → {id, name, apiKey:{id,key,prefix,scopes}} (key shown once)
  list-tenants
  create-key <tenantId> [--scopes a,b]         scopes: messages:send,messages:read,contacts,media,admin
  list-keys <tenantId>
  revoke-key <keyId>
  add-app <appId> --secret <appSecret> --verify-token <token>
  list-apps
  add-number <tenantId> --phone-number-id <id> --display <+1 555…> --waba <wabaId> --app <appId> --token <accessToken>
             [--business <id>] [--graph-base-url <url>] [--graph-version v23.0] [--mps 80] [--tier 250]
  update-number <tenantId> <phoneNumberId> [--status active|paused] [--paused-reason <text>] [--token <t>]
             [--display <n>] [--graph-base-url <url>] [--graph-version <v>] [--mps <n>] [--tier <t>]
  list-numbers <tenantId>`;

export class UsageError extends Error {}

const OPTIONS = {
  scopes: { type: 'string' }, secret: { type: 'string' }, 'verify-token': { type: 'string' },
  'phone-number-id': { type: 'string' }, display: { type: 'string' }, waba: { type: 'string' }, app: { type: 'string' },
  token: { type: 'string' }, business: { type: 'string' }, 'graph-base-url': { type: 'string' }, 'graph-version': { type: 'string' },
  mps: { type: 'string' }, tier: { type: 'string' }, status: { type: 'string' }, 'paused-reason': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function buildAdminRequest(argv: string[]): AdminRequest {
  const { values: o, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, a, b] = positionals;
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new UsageError(`${command}: ${what} is required`);
    return v;
  };
  const e = encodeURIComponent;
  const optional = (body: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  switch (command) {
    case 'create-tenant':
      return { method: 'POST', path: '/admin/v1/tenants', body: { name: need(a, '<name>') } };
    case 'list-tenants':
      return { method: 'GET', path: '/admin/v1/tenants' };
    case 'create-key':
      return { method: 'POST', path: `/admin/v1/tenants/${e(need(a, '<tenantId>'))}/api-keys`, body: optional({ scopes: o.scopes?.split(',').map((s) => s.trim()) }) };
    case 'list-keys':
      return { method: 'GET', path: `/admin/v1/tenants/${e(need(a, '<tenantId>'))}/api-keys` };
    case 'revoke-key':
      return { method: 'DELETE', path: `/admin/v1/api-keys/${e(need(a, '<keyId>'))}` };
    case 'add-app':
      return { method: 'POST', path: '/admin/v1/apps', body: { appId: need(a, '<appId>'), appSecret: need(o.secret, '--secret'), verifyToken: need(o['verify-token'], '--verify-token') } };
    case 'list-apps':
      return { method: 'GET', path: '/admin/v1/apps' };
    case 'add-number':
      return {
        method: 'POST', path: `/admin/v1/tenants/${e(need(a, '<tenantId>'))}/phone-numbers`,
        body: optional({
          phoneNumberId: need(o['phone-number-id'], '--phone-number-id'), displayPhoneNumber: need(o.display, '--display'),
          wabaId: need(o.waba, '--waba'), appId: need(o.app, '--app'), accessToken: need(o.token, '--token'), businessId: o.business,
          graphBaseUrl: o['graph-base-url'], graphApiVersion: o['graph-version'], mps: num(o.mps), tier: o.tier,
        }),
      };
    case 'update-number':
      return {
        method: 'PATCH', path: `/admin/v1/tenants/${e(need(a, '<tenantId>'))}/phone-numbers/${e(need(b, '<phoneNumberId>'))}`,
        body: optional({
          status: o.status, pausedReason: o['paused-reason'], accessToken: o.token, displayPhoneNumber: o.display,
          graphBaseUrl: o['graph-base-url'], graphApiVersion: o['graph-version'], mps: num(o.mps), tier: o.tier,
        }),
      };
    case 'list-numbers':
      return { method: 'GET', path: `/admin/v1/tenants/${e(need(a, '<tenantId>'))}/phone-numbers` };
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}
