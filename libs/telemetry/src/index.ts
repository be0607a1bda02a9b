export { startTelemetry, shutdownTelemetry, isTelemetryStarted, tracer, type TelemetryOptions } from './tracing/start-telemetry';
export { withSpan, untraced, recordError, traceLogFields, type WithSpanOptions } from './tracing/with-span';
export {
  injectTraceHeaders,
  extractTraceContext,
  type IncomingHeaders,
  type OutgoingHeaders,
} from './tracing/trace-headers';
export { metricsRegistry, enableDefaultMetrics, counter, gauge, histogram } from './metrics/metrics-registry';
export { ObservabilityModule } from './health/observability.module';
export { ManagementServer } from './health/management-server';
export {
  HealthRegistry,
  DEFAULT_READINESS_TIMEOUT_MS,
  type ReadinessCheck,
  type ReadinessReport,
  type CheckResult,
} from './health/health.registry';
export type { ObservabilityOptions } from './health/observability.options';
export { installFatalHandlers, type FatalHandlerOptions, type FatalHandlers } from './process/fatal-handlers';
