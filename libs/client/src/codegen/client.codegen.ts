import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

/**
 * Renders the client's two generated files. Dev-time only (scripts/generate.mjs and the drift
 * test run it in plain Node): openapi-typescript is a devDependency and ESM-only inside, so
 * this module is not exported from index.ts.
 *
 * - src/generated/gateway-api.ts from apps/gateway/openapi.json (the document the gateway
 *   serves at /docs-json; its own test keeps the checked-in copy equal to the served one);
 * - src/generated/webhook-events.ts from the notifier's public event JSON Schemas in
 *   docs/events/<type>.v1.schema.json (the same schemas the contracts' classes are tested
 *   against), so webhook payload types are not written a second time by hand.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const GATEWAY_OPENAPI_PATH = path.join(ROOT, 'apps', 'gateway', 'openapi.json');
export const EVENT_SCHEMA_DIR = path.join(ROOT, 'docs', 'events');
export const GATEWAY_API_TYPES_PATH = path.resolve(__dirname, '..', 'generated', 'gateway-api.ts');
export const WEBHOOK_EVENT_TYPES_PATH = path.resolve(__dirname, '..', 'generated', 'webhook-events.ts');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface OperationLike {
  operationId?: string;
  parameters?: { name?: string; in?: string }[];
}
interface OpenApiLike {
  openapi: string;
  info: { version: string; title?: string };
  paths: Record<string, Record<string, unknown>>;
}

const banner = (source: string) => `// GENERATED FILE, DO NOT EDIT. Regenerate with \`npm run generate -w @wabridge/client\`.
// Source: ${source}
`;

/**
 * The gateway's document as openapi-typescript can take it. The forwarding catch-all routes
 * (`/v1/contacts{,/{path}}`, `/v1/media{,/{path}}`) share one operationId per method, which the
 * generator refuses; a repeated id gets the path appended. Nothing else is changed.
 */
export function repairGatewayDocument(doc: OpenApiLike): OpenApiLike {
  const copy = JSON.parse(JSON.stringify(doc)) as OpenApiLike;
  const seen = new Set<string>();
  for (const [p, item] of Object.entries(copy.paths)) {
    for (const m of METHODS) {
      const op = item[m] as OperationLike | undefined;
      if (!op?.operationId) continue;
      if (seen.has(op.operationId)) op.operationId = `${op.operationId}_${p.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
      seen.add(op.operationId);
    }
  }
  return copy;
}

/** `POST /v1/messages`-style keys of the operations that declare an `Idempotency-Key` header. */
export function idempotentOperations(doc: OpenApiLike): string[] {
  const out: string[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m] as OperationLike | undefined;
      if (op?.parameters?.some((x) => x.in === 'header' && x.name?.toLowerCase() === 'idempotency-key')) out.push(`${m.toUpperCase()} ${p}`);
    }
  }
  return out.sort();
}

export async function renderGatewayApiTypes(doc?: OpenApiLike, source = 'apps/gateway/openapi.json'): Promise<string> {
  const spec = doc ?? (JSON.parse(readFileSync(GATEWAY_OPENAPI_PATH, 'utf8')) as OpenApiLike);
  const ast = await openapiTS(repairGatewayDocument(spec) as unknown as OpenAPI3, { silent: true, emptyObjectsUnknown: true });
  return (
    banner(`${source} (OpenAPI ${spec.openapi}, API version ${spec.info.version})`) +
    astToString(ast) +
    `\n/** The gateway API version (info.version of the document); the package's major version. */\n` +
    `export const API_VERSION = ${JSON.stringify(spec.info.version)};\n\n` +
    `/** Operations that take an Idempotency-Key header: the client sets one when the caller does not. */\n` +
    `export const IDEMPOTENCY_KEY_OPERATIONS: readonly string[] = ${JSON.stringify(idempotentOperations(spec))};\n`
  );
}

/** \`message.dead_lettered\` → \`MessageDeadLetteredEvent\`. */
export function eventTypeName(type: string): string {
  return type.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + 'Event';
}

export async function renderWebhookEventTypes(dir = EVENT_SCHEMA_DIR): Promise<string> {
  const files = readdirSync(dir).filter((f) => /^[a-z_.]+\.v\d+\.schema\.json$/.test(f)).sort();
  const schemas: Record<string, unknown> = {};
  const types: [string, string][] = [];
  for (const f of files) {
    const type = f.replace(/\.v\d+\.schema\.json$/, '');
    const { $schema: _s, $id: _i, ...schema } = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
    const name = eventTypeName(type);
    schemas[name] = schema;
    types.push([type, name]);
  }
  const doc = { openapi: '3.1.0', info: { title: 'Wabridge webhook events', version: '1' }, paths: {}, components: { schemas } };
  const ast = await openapiTS(doc as unknown as OpenAPI3, { silent: true, emptyObjectsUnknown: true });
  return (
    banner(`docs/events/*.schema.json (the notifier's public events: ${files.length} types)`) +
    astToString(ast) +
    `\n/** Every webhook event type and the body its deliveries carry. */\nexport interface WebhookEventMap {\n` +
    types.map(([t, n]) => `    ${JSON.stringify(t)}: components["schemas"][${JSON.stringify(n)}];\n`).join('') +
    `}\n\nexport const WEBHOOK_EVENT_TYPES = ${JSON.stringify(types.map(([t]) => t))} as const;\n`
  );
}
