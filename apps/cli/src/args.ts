import { parseArgs } from 'node:util';

/**
 * The command line, parsed without touching the network or the environment (pure, unit-tested):
 * `wabridge <group> [<action>] [positionals] [--options]`. One option table for every command
 * (node:util parseArgs, strict): an unknown option is a usage error, not silently ignored.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: wabridge <command> [options]            (docs/cli.md)

Operator (admin API, --admin-token / WABRIDGE_ADMIN_TOKEN):
  tenants list | create <name>
  keys list --tenant <id> | create --tenant <id> [--scopes a,b] | revoke <keyId>
  apps list | add <appId> --secret <appSecret> --verify-token <token>
  numbers list --tenant <id>
  numbers add --tenant <id> --phone-number-id <id> --display <+1 555…> --waba <id> --app <appId> --token <accessToken>
              [--graph-base-url <url>] [--graph-version v23.0] [--mps 80] [--tier 250]
  numbers update --tenant <id> <phoneNumberId> [--status active|paused] [--token <t>] [--mps <n>] [--tier <t>] …

Tenant (tenant API, --api-key / WABRIDGE_API_KEY):
  numbers signup --code <code> [--app <appId>]          (embedded signup: discovers the WABA and numbers; admin scope)
  numbers request-code <phoneNumberId> [--method SMS|VOICE] [--language en_US]
  numbers verify-code <phoneNumberId> --code <6 digits>
  numbers register <phoneNumberId> --pin <6 digits> | numbers two-step <phoneNumberId> --pin <6 digits>
  templates list [--waba <id>] [--refresh]
  templates create --waba <id> --name <name> [--language en_US] [--category UTILITY] (--body "<text {{1}}>" [--example v]… | --components <file.json>)
  send --to <digits> (--text "<body>" | --template <name> [--language en_US] [--param v]…) [--from <phoneNumberId>] [--idempotency-key k] [--wait]
  contacts import <file.csv|.json|.ndjson> [--phone-number-id <id>]        (progress bar on a terminal)
  messages get <id>
  request-logs [--status 404|4xx] [--path /v1/messages] [--since <ISO time|10m|2h>] [--limit N] [--cursor <id>]   (your API calls, newest first; admin scope)

Kafka (--brokers / KAFKA_BROKERS, --topic-suffix / TOPIC_SUFFIX):
  tail <topic> [--tenant <id>] [--number <phoneNumberId>] [--type <t>] [--since <ISO time|10m|2h>] [--from-beginning] [--max N] [--for <10s|5m>]
  dlq list | show <dlq-topic> [filters] [--limit N] | replay (<dlq-topic> | --all) [filters] [--max N] [--dry-run]
      filters: --reason <text> --source-topic <topic> --partition <n> --since <ISO time|10m>

  dlq outbound list|replay …   wa.outbound.dlq.v1 through the dispatcher's message rows (docs/dispatcher.md; needs DATABASE_URL)

Offline:
  verify-signature --secret <whsec_…> --id <webhook-id> --timestamp <unix s> --signature "<v1,…>" (<body> | <file> | -) [--tolerance 300 | --ignore-time]

Old operator syntax: wabridge admin create-tenant <name> | list-keys <tenantId> | … (what \`npm run admin\` runs)

Global: --url <gateway> (WABRIDGE_URL or GATEWAY_URL, default http://127.0.0.1:3000), --api-key, --admin-token, --json (machine output only on stdout),
        --help. Without keys the tenant \`local\` and admin token of \`npm start\` are used (.local/dev-secrets.json, LOCAL_STATE_DIR).
Exit codes: 0 done, 1 failed (API error, unreachable, invalid signature, rows refused), 2 usage.`;

const OPTIONS = {
  // global
  url: { type: 'string' }, 'api-key': { type: 'string' }, 'admin-token': { type: 'string' }, json: { type: 'boolean' },
  brokers: { type: 'string' }, 'topic-suffix': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  // admin
  tenant: { type: 'string' }, scopes: { type: 'string' }, secret: { type: 'string' }, 'verify-token': { type: 'string' },
  'phone-number-id': { type: 'string' }, display: { type: 'string' }, waba: { type: 'string' }, app: { type: 'string' },
  token: { type: 'string' }, business: { type: 'string' }, 'graph-base-url': { type: 'string' }, 'graph-version': { type: 'string' },
  mps: { type: 'string' }, tier: { type: 'string' }, status: { type: 'string' }, 'paused-reason': { type: 'string' },
  // templates / send
  refresh: { type: 'boolean' }, name: { type: 'string' }, language: { type: 'string' }, category: { type: 'string' },
  body: { type: 'string' }, example: { type: 'string', multiple: true }, components: { type: 'string' },
  to: { type: 'string' }, text: { type: 'string' }, template: { type: 'string' }, param: { type: 'string', multiple: true },
  from: { type: 'string' }, 'idempotency-key': { type: 'string' }, wait: { type: 'boolean' },
  // kafka
  number: { type: 'string' }, type: { type: 'string' }, since: { type: 'string' }, 'from-beginning': { type: 'boolean' },
  max: { type: 'string' }, for: { type: 'string' }, all: { type: 'boolean' }, reason: { type: 'string' },
  'source-topic': { type: 'string' }, partition: { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' },
  // request-logs
  path: { type: 'string' }, cursor: { type: 'string' },
  // numbers signup / registration
  code: { type: 'string' }, pin: { type: 'string' }, method: { type: 'string' },
  // verify-signature
  id: { type: 'string' }, timestamp: { type: 'string' }, signature: { type: 'string' }, tolerance: { type: 'string' },
  'ignore-time': { type: 'boolean' },
} as const;

export type Options = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K] extends { type: 'boolean' } ? boolean : string;
};

export interface Invocation {
  /** `tenants`, `send`, `tail`, … */
  command: string;
  /** `list`, `create`, … for commands with actions; else undefined. */
  action?: string;
  /** Positionals after the command (and action). */
  args: string[];
  options: Options;
}

/** Commands and their actions; a command with no entry takes no action. */
const ACTIONS: Record<string, readonly string[]> = {
  tenants: ['list', 'create'], keys: ['list', 'create', 'revoke'], apps: ['list', 'add'], numbers: ['list', 'add', 'update', 'signup', 'request-code', 'verify-code', 'register', 'two-step'],
  templates: ['list', 'create'], contacts: ['import'], messages: ['get'], dlq: ['list', 'show', 'replay'],
};
const PLAIN = ['send', 'tail', 'verify-signature', 'request-logs', 'help'];

export function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, allowNegative: false });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const options = parsed.values as Options;
  const [command, ...rest] = parsed.positionals;
  if (!command) {
    if (options.help) return { command: 'help', args: [], options };
    throw new UsageError('no command given');
  }
  if (PLAIN.includes(command)) return { command, args: rest, options };
  const actions = ACTIONS[command];
  if (!actions) throw new UsageError(`unknown command "${command}"`);
  const [action, ...args] = rest;
  if (!action) {
    if (options.help) return { command: 'help', args: [], options };
    throw new UsageError(`${command}: an action is required (${actions.join(', ')})`);
  }
  if (!actions.includes(action)) throw new UsageError(`${command}: unknown action "${action}" (${actions.join(', ')})`);
  return { command, action, args, options };
}

/**
 * `npm run admin -- <command> …` (the operator tool this CLI replaced; docs/gateway.md) in
 * this CLI's words: `create-tenant Acme` → `tenants create Acme`, `create-key T1 --scopes …` →
 * `keys create --tenant T1 --scopes …`, and so on. Pure.
 */
export function fromAdminSyntax(argv: string[]): string[] {
  const [command, ...rest] = argv;
  const firstPositional = rest.findIndex((a) => !a.startsWith('-'));
  const take = (what: string): [string, string[]] => {
    if (firstPositional !== 0) throw new UsageError(`admin ${command}: ${what} is required first`);
    return [rest[0]!, rest.slice(1)];
  };
  switch (command) {
    case 'create-tenant': return ['tenants', 'create', ...rest];
    case 'list-tenants': return ['tenants', 'list', ...rest];
    case 'create-key': { const [t, more] = take('<tenantId>'); return ['keys', 'create', '--tenant', t, ...more]; }
    case 'list-keys': { const [t, more] = take('<tenantId>'); return ['keys', 'list', '--tenant', t, ...more]; }
    case 'revoke-key': return ['keys', 'revoke', ...rest];
    case 'add-app': return ['apps', 'add', ...rest];
    case 'list-apps': return ['apps', 'list', ...rest];
    case 'add-number': { const [t, more] = take('<tenantId>'); return ['numbers', 'add', '--tenant', t, ...more]; }
    case 'update-number': { const [t, more] = take('<tenantId>'); return ['numbers', 'update', '--tenant', t, ...more]; }
    case 'list-numbers': { const [t, more] = take('<tenantId>'); return ['numbers', 'list', '--tenant', t, ...more]; }
    default:
      throw new UsageError(command ? `admin: unknown command "${command}" (create-tenant, list-tenants, create-key, list-keys, revoke-key, add-app, list-apps, add-number, update-number, list-numbers)` : 'admin: no command given');
  }
}

/** The value or a usage error naming what is missing. */
export function need(value: string | undefined, what: string, where: string): string {
  if (value === undefined || value === '') throw new UsageError(`${where}: ${what} is required`);
  return value;
}

export function positiveInt(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${what} must be a positive integer, got "${value}"`);
  return Number(value);
}

/** `10s`, `5m`, `2h`, `1d` or plain milliseconds → ms. */
export function durationMs(value: string, what: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${what} must be a duration like 30s, 10m, 2h, got "${value}"`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return n * unit;
}

/** An ISO time or a duration back from `now` (`10m` = ten minutes ago) → ms since the epoch. */
export function sinceMs(value: string, now: number, what = '--since'): number {
  if (/^\d+(ms|s|m|h|d)$/.test(value.trim())) return now - durationMs(value, what);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${what} must be an ISO time or a duration like 10m, got "${value}"`);
  return t;
}
