import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PUBLIC_EVENT_TYPES } from '@wabridge/contracts';
import { API_VERSION, WEBHOOK_EVENT_TYPES } from './index';

// The generator runs in a child process: Jest's module loader cannot load openapi-typescript's
// ESM-only dependencies, plain Node can (see scripts/generate.mjs).
const SCRIPT = path.resolve(__dirname, '..', 'scripts', 'generate.mjs');
const ROOT = path.resolve(__dirname, '..', '..', '..');
const OPENAPI = path.join(ROOT, 'apps', 'gateway', 'openapi.json');
const GENERATED = path.join(__dirname, 'generated');
const check = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, '--check', ...args], { encoding: 'utf8', timeout: 90_000 });

describe('generated client types (drift against apps/gateway/openapi.json and docs/events)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wabridge-client-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are what the checked-in document and event schemas generate today (else: npm run generate -w @wabridge/client)', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('report drift when an endpoint is added to the document without regenerating', () => {
    const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, unknown> };
    doc.paths['/v1/widgets'] = { get: { operationId: 'Widgets_list', responses: { 200: { description: 'widgets' } } } };
    const changed = path.join(dir, 'openapi.json');
    writeFileSync(changed, JSON.stringify(doc));
    const result = check('--spec', changed);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('gateway-api.ts is out of date');
    expect(result.stderr).not.toContain('webhook-events.ts');
  });

  it('report drift when an endpoint changes shape, and when an event schema changes', () => {
    const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, Record<string, { parameters?: unknown[] }>> };
    doc.paths['/v1/messages']!.get!.parameters!.push({ name: 'campaignId', in: 'query', required: false, schema: { type: 'string' } });
    const changed = path.join(dir, 'openapi-param.json');
    writeFileSync(changed, JSON.stringify(doc));
    expect(check('--spec', changed).status).toBe(1);

    const events = path.join(dir, 'events');
    cpSync(path.join(ROOT, 'docs', 'events'), events, { recursive: true });
    const file = path.join(events, 'contact.changed.v1.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema.properties.data.properties.segment = { type: 'string' };
    writeFileSync(file, JSON.stringify(schema));
    const result = check('--events', events);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('webhook-events.ts is out of date');
  });

  it('cover every public event type of the contracts, and carry the API version as the major version', () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual([...PUBLIC_EVENT_TYPES].sort());
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { info: { version: string } };
    expect(API_VERSION).toBe(doc.info.version);
    expect(pkg.version.split('.')[0]).toBe(API_VERSION);
    expect(readFileSync(path.join(GENERATED, 'gateway-api.ts'), 'utf8')).toContain('"/v1/messages"');
  });
});
