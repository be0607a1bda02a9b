import { DynamicModule, Module } from '@nestjs/common';
import { enableDefaultMetrics } from '../metrics/metrics-registry';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { HttpObserver } from './http-observer';
import { ManagementServer } from './management-server';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';

/**
 * `GET /health/live`, `GET /health/ready`, `GET /metrics`, route-named HTTP spans and request
 * duration metrics. Global, so any module can inject `HealthRegistry` to add its check. With
 * `management` the three routes are served only on that separate listener (ADR 0074).
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    enableDefaultMetrics(options.serviceName);
    return {
      module: ObservabilityModule,
      global: true,
      controllers: options.management ? [] : [HealthController],
      providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: options }, HealthRegistry, HttpObserver, ManagementServer],
      exports: [HealthRegistry, ManagementServer],
    };
  }
}
