import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance } from 'fastify';
import { histogram } from '../metrics/metrics-registry';

const SKIPPED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Our part of the HTTP telemetry on the Fastify adapter: the http instrumentation's server
 * span only knows the raw URL, so this names it after the matched route (`GET /v1/messages/:id`,
 * low cardinality), and it records request durations per route for Prometheus.
 */
@Injectable()
export class HttpObserver implements OnModuleInit {
  private readonly logger = new Logger('Observability');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // a standalone application context has no HTTP server
    if (adapter.getType() !== 'fastify') {
      this.logger.warn(`route names and HTTP metrics need the Fastify adapter, not ${adapter.getType()}`);
      return;
    }
    const fastify = adapter.getInstance<FastifyInstance>();
    const duration = histogram(
      'http_server_request_duration_seconds',
      'Time from request received to response sent, by matched route.',
      ['method', 'route', 'status_code'],
    );

    fastify.addHook('onRequest', (request, _reply, done) => {
      const route = request.routeOptions.url;
      const span = trace.getActiveSpan();
      if (span && route) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${request.method} ${route}`);
      }
      done();
    });

    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (!route || !SKIPPED_ROUTES.has(route)) {
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
