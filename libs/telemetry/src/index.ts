export { startTelemetry, shutdownTelemetry, isTelemetryStarted, tracer, type TelemetryOptions } from './tracing/start-telemetry';
export { withSpan, untraced, recordError, traceLogFields, type WithSpanOptions } from './tracing/with-span';
export { requestTraceContext } from './tracing/http-server-spans';
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
export { startLogging, createLogger, rootLogger, logger, logEnabled, logMixin, resolveFormat, normaliseLevel, type Logger, type LoggingOptions, type LogFormat } from './logging/logger';
export { runWithLogContext, addLogFields, addSpanLogFields, currentLogFields, logFieldsOf, type LogFields } from './logging/log-context';
export { redact, redactText, isSecretKey, REDACTED } from './logging/redact';
export { PinoNestLogger } from './logging/nest-logger';
export { prettyDestination, formatPretty } from './logging/pretty';
export { installAccessLog } from './logging/access-log';
