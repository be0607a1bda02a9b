import 'reflect-metadata';
import {
  ArgumentsHost,
  Body,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpException,
  Injectable,
  InternalServerErrorException,
  Module,
  OnModuleInit,
  Param,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DestinationStream } from 'pino';
import { addSpanLogFields, createLogger, HealthRegistry, installAccessLog, ManagementServer, ObservabilityModule, shutdownTelemetry, startTelemetry, untraced, withSpan } from '../index';

/** Stands in for a module that owns a dependency and registers its own readiness check. */
const database = { up: true, hang: false };

@Injectable()
class FakeDatabaseHealth implements OnModuleInit {
  constructor(private readonly health: HealthRegistry) {}
  onModuleInit(): void {
    this.health.register('postgres', async () => {
      if (database.hang) await new Promise(() => undefined);
      if (!database.up) throw new Error('connection refused');
    });
  }
}

interface NoteAnswer {
  id: string;
  text?: string;
  active?: { traceId: string; spanId: string };
  child: string;
}

@Controller('v1/things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    return { id };
  }

  /** What a handler sees of the trace: the active span, and a span of its own work started in it. */
  @Post(':id/notes')
  async note(@Param('id') id: string, @Body() body: { text?: string }): Promise<NoteAnswer> {
    await sleep(1); // after an await, as a service's work continues
    const active = trace.getActiveSpan()?.spanContext();
    const child = await withSpan('store note', {}, async (span) => span.spanContext().spanId);
    return { id, text: body.text, active: active && { traceId: active.traceId, spanId: active.spanId }, child };
  }

  /** As the gateway's auth guard does once it knows the caller. */
  @Get(':id/owned')
  owned(@Param('id') id: string): { id: string } {
    addSpanLogFields({ tenant_id: `tenant-${id}` });
    return { id };
  }

  @Get(':id/broken')
  broken(): never {
    throw new InternalServerErrorException('boom');
  }
}

@Module({ controllers: [ThingsController], providers: [FakeDatabaseHealth] })
class ThingsModule {}

@Module({
  imports: [
    ObservabilityModule.forRoot({
      serviceName: 'observability-test',
      readinessChecks: { config: async () => undefined },
      readinessTimeoutMs: 100,
    }),
    ThingsModule,
  ],
})
class AppModule {}

/** Apps rewrite errors into one JSON shape; readiness answers must not go through it. */
@Catch()
class RewriteEverything implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const status = err instanceof HttpException ? err.getStatus() : 500;
    host.switchToHttp().getResponse<{ status(n: number): { send(b: unknown): void } }>().status(status).send({ error: { code: 'rewritten' } });
  }
}

async function createApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new RewriteEverything());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const exporter = new InMemorySpanExporter();
let app: NestFastifyApplication;

beforeAll(async () => {
  startTelemetry({ serviceName: 'observability-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  app = await createApp();
});
afterAll(async () => {
  await app.close();
  await shutdownTelemetry();
});
beforeEach(() => {
  Object.assign(database, { up: true, hang: false });
  exporter.reset();
});

describe('ObservabilityModule', () => {
  it('answers /health/live with 200 ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /health/ready with 200 and every check, including ones registered at runtime', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { config: 'ok', postgres: 'ok' } });
  });

  it('answers /health/ready with 503 naming the check that failed', async () => {
    database.up = false;
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'error', checks: { config: 'ok', postgres: 'connection refused' } });
  });

  it('answers /health/ready with 503 when a check hangs past the timeout', async () => {
    database.hang = true;
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.postgres).toBe('timed out after 100 ms');
    // the check never settles: the answer comes from the timeout, not from the check (a generous
    // bound, far below "never", so a loaded machine does not fail it)
    expect(Date.now() - started).toBeLessThan(15000);
  });

  it('serves Prometheus text on /metrics with request durations per route and the service label', async () => {
    await app.inject({ method: 'GET', url: '/v1/things/42' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/^nodejs_heap_size_used_bytes\{service="observability-test"\} /m);
    expect(res.body).toMatch(
      /^http_server_request_duration_seconds_count\{service="observability-test",method="GET",route="\/v1\/things\/:id",status_code="200"\} 1$/m,
    );
    expect(res.body).toMatch(/route="unmatched",status_code="404"/);
    expect(res.body).not.toMatch(/route="\/health/);
  });

  it('boots a second app in the same process (metrics are not registered twice)', async () => {
    const second = await createApp();
    const res = await second.inject({ method: 'GET', url: '/health/live' });
    await second.close();
    expect(res.statusCode).toBe(200);
  });

  it('reports shutting_down with 503 once the app begins to shut down', async () => {
    const other = await createApp();
    other.get(HealthRegistry).beforeApplicationShutdown();
    const res = await other.inject({ method: 'GET', url: '/health/ready' });
    await other.close();
    expect(res.statusCode).toBe(503);
    expect(res.json().status).toBe('shutting_down');
  });
});

const serverSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);

/** A POST over a real socket whose body arrives 50 ms after its headers, as a slow client's would. */
async function postLate(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: NoteAnswer }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as NoteAnswer }));
    });
    req.on('error', reject);
    req.flushHeaders();
    setTimeout(() => req.end(payload), 50);
  });
}

describe('HTTP server spans (ADR 0147)', () => {
  let listening: NestFastifyApplication;
  let url: string;
  beforeAll(async () => {
    listening = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
    await listening.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(listening.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => listening.close());

  it('records one SERVER span per request, named after the matched route, with method, route and status; none for probes and scrapes', async () => {
    await app.inject({ method: 'GET', url: '/v1/things/7' });
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: '/health/ready' });
    await app.inject({ method: 'GET', url: '/metrics' });
    await app.inject({ method: 'GET', url: '/nowhere/42' });
    expect(serverSpans().map((s) => [s.name, s.attributes])).toEqual([
      ['GET /v1/things/:id', { 'http.request.method': 'GET', 'http.route': '/v1/things/:id', 'http.response.status_code': 200 }],
      ['GET', { 'http.request.method': 'GET', 'http.response.status_code': 404 }], // the raw URL would be one name per id
    ]);
    expect(serverSpans().map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
  });

  it('marks a 5xx answer as an error of the server span', async () => {
    await app.inject({ method: 'GET', url: '/v1/things/7/broken' });
    const [span] = serverSpans();
    expect(span).toMatchObject({ name: 'GET /v1/things/:id/broken', status: { code: SpanStatusCode.ERROR } });
    expect(span?.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
  });

  it('continues the trace of a caller that sent traceparent, and follows its unsampled flag', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await app.inject({ method: 'GET', url: '/v1/things/1', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(serverSpans().map((s) => ({ traceId: s.spanContext().traceId, parent: s.parentSpanContext?.spanId }))).toEqual([{ traceId, parent: '00f067aa0ba902b7' }]);

    exporter.reset();
    const answer = await app.inject({ method: 'POST', url: '/v1/things/1/notes', payload: {}, headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-00` } });
    expect(exporter.getFinishedSpans()).toEqual([]); // the caller did not sample: nothing recorded here either …
    expect((answer.json() as NoteAnswer).active?.traceId).toBe(traceId); // … yet the handler is in its trace, to pass the decision on
  });

  it('runs the handler in the server span: its spans and its active context belong to the request, also when the body arrives after the headers', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const answer = await postLate(url, '/v1/things/3/notes', { text: 'late body' }, { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    expect(answer).toMatchObject({ status: 201, body: { id: '3', text: 'late body' } });
    const [server] = serverSpans();
    expect(server).toMatchObject({ name: 'POST /v1/things/:id/notes' });
    expect(server?.spanContext().traceId).toBe(traceId);
    // the handler's active span is the server span, and a span it starts is the server span's child
    expect(answer.body.active).toEqual({ traceId, spanId: server?.spanContext().spanId });
    const child = exporter.getFinishedSpans().find((s) => s.name === 'store note');
    expect(child?.spanContext().spanId).toBe(answer.body.child);
    expect(child?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
  });

  it("writes the access-log line in the request's trace, with the fields its handler attached to the span, also for an answer given before any handler ran", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination: DestinationStream = { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) };
    const logged = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
    // as createHttpApp does: before the app's modules add their hooks
    installAccessLog(logged.getHttpAdapter().getInstance(), createLogger({ service: 'observability-test', level: 'debug', destination }));
    await logged.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(logged.getHttpServer().address() as { port: number }).port}`;
    try {
      await untraced(() => fetch(`${base}/v1/things/8/owned`).then((r) => r.text()));
      // answered before any handler runs: Fastify refuses the body (over the 1 MiB default limit)
      const tooBig = await postLate(base, '/v1/things/9/notes', { text: 'x'.repeat(1100 * 1024) }).catch(() => ({ status: 413 }));
      expect(tooBig.status).toBe(413);
    } finally {
      await logged.close();
    }
    const [owned, refused] = serverSpans();
    expect(lines.filter((l) => l['msg'] === 'request')).toEqual([
      expect.objectContaining({ url: '/v1/things/8/owned', status: 200, trace_id: owned?.spanContext().traceId, span_id: owned?.spanContext().spanId, tenant_id: 'tenant-8' }),
      expect.objectContaining({ url: '/v1/things/9/notes', status: 413, trace_id: refused?.spanContext().traceId, span_id: refused?.spanContext().spanId }),
    ]);
  });

  it('ends the span as an error when the caller goes away before its body arrived', async () => {
    const req = request(`${url}/v1/things/6/notes`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } });
    req.on('error', () => undefined);
    req.flushHeaders();
    await sleep(50); // the server has the request's head, not its body
    req.destroy();
    for (let i = 0; i < 100 && serverSpans().length === 0; i++) await sleep(20);
    const [span] = serverSpans();
    expect(span).toMatchObject({ name: 'POST /v1/things/:id/notes', status: { code: SpanStatusCode.ERROR }, attributes: { 'error.type': 'aborted' } });
  });

  it('starts a trace of its own for a caller without traceparent, one per request', async () => {
    const first = await postLate(url, '/v1/things/4/notes', {});
    const second = await postLate(url, '/v1/things/5/notes', {});
    const spans = serverSpans();
    expect(spans.map((s) => s.spanContext().traceId)).toEqual([first.body.active?.traceId, second.body.active?.traceId]);
    expect(first.body.active?.traceId).not.toBe(second.body.active?.traceId);
    expect(spans.map((s) => s.parentSpanContext)).toEqual([undefined, undefined]);
  });
});

describe('ObservabilityModule with a management listener (ADR 0074)', () => {
  @Module({
    imports: [ObservabilityModule.forRoot({ serviceName: 'observability-test', management: { port: 0, host: '127.0.0.1' } }), ThingsModule],
  })
  class ManagedModule {}

  it('serves /health/* and /metrics only on the management port, after the public port listens, and closes it with the app', async () => {
    const managed = await NestFactory.create<NestFastifyApplication>(ManagedModule, new FastifyAdapter(), { logger: false });
    await managed.listen(0, '127.0.0.1');
    const publicUrl = `http://127.0.0.1:${(managed.getHttpServer().address() as { port: number }).port}`;
    const managementUrl = await managed.get(ManagementServer).url();
    try {
      expect(managementUrl).not.toBe(publicUrl);
      for (const path of ['/metrics', '/health/live', '/health/ready']) {
        expect({ path, status: (await fetch(publicUrl + path)).status }).toEqual({ path, status: 404 });
      }
      expect((await fetch(`${publicUrl}/v1/things/1`)).status).toBe(200);
      const metrics = await fetch(`${managementUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/route="\/v1\/things\/:id"/);
      expect(await (await fetch(`${managementUrl}/health/live`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${managementUrl}/health/ready`)).status).toBe(200);
      expect((await fetch(`${managementUrl}/v1/things/1`)).status).toBe(404);
    } finally {
      await managed.close();
    }
    await expect(fetch(`${managementUrl}/health/live`)).rejects.toThrow();
  });
});
