import { DynamicModule, Module } from '@nestjs/common';
import { enableDefaultMetrics } from '../metrics/metrics-registry';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { HttpObserver } from './http-observer';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';

/**
 * `GET /health/live`, `GET /health/ready`, `GET /metrics`, route-named HTTP spans and request
 * duration metrics. Global, so any module can inject `HealthRegistry` to add its check.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    enableDefaultMetrics(options.serviceName);
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController],
      providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: options }, HealthRegistry, HttpObserver],
      exports: [HealthRegistry],
    };
  }
}
