import 'reflect-metadata';
import {
  ArgumentsHost,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpException,
  Injectable,
  Module,
  OnModuleInit,
  Param,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HealthRegistry, ManagementServer, ObservabilityModule, shutdownTelemetry, startTelemetry, withSpan } from '../index';

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

@Controller('v1/things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    return { id };
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

  it('names the active server span after the matched route', async () => {
    // The http instrumentation makes the server span in production; here a span of our own
    // plays that role around the in-process request.
    await withSpan('GET', {}, () => app.inject({ method: 'GET', url: '/v1/things/7' }));
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET /v1/things/:id');
    expect(span?.attributes['http.route']).toBe('/v1/things/:id');
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
