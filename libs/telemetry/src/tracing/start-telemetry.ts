import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, isTracingSuppressed, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { detectResources, envDetector, processDetector, resourceFromAttributes, type ResourceDetector } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { hostname } from 'node:os';
import { FanOutSpanProcessor } from './fan-out-span-processor';

export interface TelemetryOptions {
  /** `service.name` on every span, e.g. `gateway`. */
  serviceName: string;
  /** Full OTLP/HTTP traces URL (`http://127.0.0.1:4318/v1/traces`); unset = spans are not exported. */
  otlpEndpoint?: string;
  /** Extra processors, e.g. `new SimpleSpanProcessor(new InMemorySpanExporter())` in tests. */
  spanProcessors?: SpanProcessor[];
}

interface Running {
  provider: NodeTracerProvider;
  serviceName: string;
  processors: FanOutSpanProcessor;
  instrumentations: { disable(): void }[];
}

let running: Running | undefined;

/**
 * The SDK's default host detector reads the machine id asynchronously, and until that settles
 * every finished span waits before reaching its processors, so a test's in-memory exporter
 * would miss the first spans. These detectors answer synchronously; host.id is not needed.
 */
const hostNameDetector: ResourceDetector = { detect: () => ({ attributes: { 'host.name': hostname() } }) };
const RESOURCE_DETECTORS: ResourceDetector[] = [envDetector, processDetector, hostNameDetector];

/**
 * Boots tracing once per process: a Node tracer provider (traces only — metrics go through
 * prom-client's /metrics, logs through pino), its processors and the http (outgoing only), pg
 * and undici instrumentations; server spans come from `ObservabilityModule` (ADR 0147). Not @opentelemetry/sdk-node, which brings every exporter and signal SDK and
 * pinned other versions of the core packages (18 copies of @opentelemetry/core; ADR 0184).
 * Sampling follows OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default parentbased_always_on;
 * e.g. `parentbased_traceidratio` with `0.1`): an unsampled request records no span.
 *
 * OTEL_SDK_DISABLED=true turns all of it off.
 *
 * Boots once per process. Call it before Nest, fastify or pg are
 * imported (see README), since the http and pg instrumentations patch those modules on load.
 * A second call does not boot again; it only attaches any further `spanProcessors`.
 */
export function startTelemetry(options: TelemetryOptions): void {
  // The specification's switch (what @opentelemetry/sdk-node honoured before ADR 0184): nothing
  // is registered, the API stays a no-op — no spans, no trace context in logs or headers.
  if (sdkDisabled()) return;
  if (running) {
    for (const p of options.spanProcessors ?? []) running.processors.add(p);
    return;
  }
  const processors = new FanOutSpanProcessor();
  if (options.otlpEndpoint) {
    processors.add(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpEndpoint })));
  }
  for (const p of options.spanProcessors ?? []) processors.add(p);

  const instrumentations = [
    new HttpInstrumentation({
      // Server spans are ObservabilityModule's, made in Fastify hooks at a fraction of the cost
      // (ADR 0147); this instrumentation only does outgoing requests.
      disableIncomingRequestInstrumentation: true,
      // `untraced(fn)`: requests made inside it are not instrumented at all (no span, no
      // traceparent header), not merely unrecorded.
      ignoreOutgoingRequestHook: () => isTracingSuppressed(context.active()),
    }),
    // Pool housekeeping and readiness probes run outside any request; only trace queries that
    // belong to one.
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    // Node's global fetch is undici, not the http module: without this the Graph API calls
    // would have no client span and carry no traceparent.
    new UndiciInstrumentation({ ignoreRequestHook: () => isTracingSuppressed(context.active()) }),
  ];

  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }).merge(detectResources({ detectors: RESOURCE_DETECTORS }));
  // Always one processor, so a tracer provider is registered (real trace ids for logs and Kafka
  // headers) even when nothing is exported. The sampler comes from OTEL_TRACES_SAMPLER(_ARG).
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processors] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  registerInstrumentations({ tracerProvider: provider, instrumentations });
  running = { provider, serviceName: options.serviceName, processors, instrumentations };
}

/** OTEL_SDK_DISABLED=true (case-insensitive, as the OpenTelemetry specification reads booleans). */
function sdkDisabled(): boolean {
  return process.env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true';
}

/** Flushes and stops tracing; `startTelemetry` may be called again afterwards (tests). */
export async function shutdownTelemetry(): Promise<void> {
  const current = running;
  if (!current) return;
  running = undefined;
  try {
    await current.provider.shutdown();
  } finally {
    for (const i of current.instrumentations) i.disable();
    // Unregister the globals so a later start can register fresh ones.
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

/** True between `startTelemetry` and `shutdownTelemetry`. */
export function isTelemetryStarted(): boolean {
  return running !== undefined;
}

/** A tracer named after the calling module or lib, e.g. `tracer('@wabridge/kafka')`. */
export function tracer(name: string, version?: string): Tracer {
  return trace.getTracer(name, version);
}
