import { transformFileSync } from '@swc/core';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Instrumentations only work in a real process where startTelemetry runs before Nest, fastify
 * and pg are loaded (Jest's module registry bypasses the require hooks), so this compiles the
 * lib, starts a small app the way a service's main.ts does, and reads the spans it printed.
 */
const SRC = resolve(__dirname, '..');
const ROOT = resolve(SRC, '../../..');

function compileLib(outDir: string): void {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  for (const file of walk(SRC).filter((f) => f.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(f))) {
    const { code } = transformFileSync(file, {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      module: { type: 'commonjs' },
    });
    const out = join(outDir, relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
}

const MAIN = `
const { startTelemetry, shutdownTelemetry } = require('./telemetry');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const exporter = new InMemorySpanExporter();
startTelemetry({ serviceName: 'boot-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });

// Everything below is loaded only now, as in a main.ts that starts telemetry first.
require('reflect-metadata');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { ObservabilityModule } = require('./telemetry');
const { Client } = require('pg');

class Things {
  async get(id) {
    const client = new Client(process.env.DATABASE_URL);
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
    return { id };
  }
}
Controller('v1/things')(Things);
Get(':id')(Things.prototype, 'get', Object.getOwnPropertyDescriptor(Things.prototype, 'get'));
Param('id')(Things.prototype, 'get', 0);
class App {}
Module({ imports: [ObservabilityModule.forRoot({ serviceName: 'boot-test' })], controllers: [Things] })(App);

(async () => {
  const app = await NestFactory.create(App, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  await (await fetch(url + '/v1/things/5')).text();
  await (await fetch(url + '/health/ready')).text();
  await app.close();
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name, kind: s.kind, route: s.attributes['http.route'],
    traceId: s.spanContext().traceId, spanId: s.spanContext().spanId, parentSpanId: s.parentSpanContext && s.parentSpanContext.spanId,
    service: s.resource.attributes['service.name'],
  }));
  process.stdout.write(JSON.stringify(spans));
  await shutdownTelemetry();
})().catch((err) => { console.error(err); process.exit(1); });
`;

interface PrintedSpan {
  name: string;
  kind: number;
  route?: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
}

describe('startTelemetry at the top of a main file', () => {
  let dir: string;
  let spans: PrintedSpan[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wabridge-telemetry-'));
    compileLib(join(dir, 'telemetry'));
    writeFileSync(join(dir, 'main.js'), MAIN);
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'main.js')], {
      env: {
        ...process.env,
        NODE_PATH: join(ROOT, 'node_modules'),
        DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      },
      timeout: 30000,
    });
    spans = JSON.parse(stdout) as PrintedSpan[];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the HTTP server span after the Nest route and parents the pg query under it', () => {
    const server = spans.find((s) => s.kind === 1 /* SERVER */);
    expect(server).toMatchObject({ name: 'GET /v1/things/:id', route: '/v1/things/:id', service: 'boot-test' });
    const query = spans.find((s) => s.name.startsWith('pg.query'));
    expect(query?.parentSpanId).toBe(server?.spanId);
    expect(query?.traceId).toBe(server?.traceId);
  });

  it('propagates traceparent on fetch, so the caller and the server share one trace', () => {
    const server = spans.find((s) => s.kind === 1);
    const client = spans.find((s) => s.kind === 2 /* CLIENT */ && s.spanId === server?.parentSpanId);
    expect(client?.traceId).toBe(server?.traceId);
  });

  it('does not trace health probes', () => {
    expect(spans.filter((s) => s.kind === 1).map((s) => s.name)).toEqual(['GET /v1/things/:id']);
  });
});
