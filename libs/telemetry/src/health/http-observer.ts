import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { histogram } from '../metrics/metrics-registry';
import { installServerSpans, UNTRACED_ROUTES } from '../tracing/http-server-spans';

/**
 * The HTTP telemetry of a service on the Fastify adapter: a server span per request, named
 * after the matched route (`POST /v1/messages`, low cardinality), with the request handled in
 * its context (ADR 0147), and request durations per route for Prometheus. Every service gets
 * both from `ObservabilityModule`.
 */
@Injectable()
export class HttpObserver implements OnModuleInit {
  private readonly logger = new Logger('Observability');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // a standalone application context has no HTTP server
    if (adapter.getType() !== 'fastify') {
      this.logger.warn(`server spans and HTTP metrics need the Fastify adapter, not ${adapter.getType()}`);
      return;
    }
    const fastify = adapter.getInstance<FastifyInstance>();
    const duration = histogram(
      'http_server_request_duration_seconds',
      'Time from request received to response sent, by matched route.',
      ['method', 'route', 'status_code'],
    );

    installServerSpans(fastify);

    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (!route || !UNTRACED_ROUTES.has(route)) {
        duration.observe(
          // Unmatched URLs share one label value; the raw URL would explode cardinality.
          { method: request.method, route: route ?? 'unmatched', status_code: String(reply.statusCode) },
          reply.elapsedTime / 1000,
        );
      }
      done();
    });
  }
}
