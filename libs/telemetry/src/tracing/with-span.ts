import {
  context as otelContext,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

export interface WithSpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Parent context, e.g. from `extractTraceContext`; defaults to the active context. */
  parent?: Context;
  /** Instrumentation scope; defaults to `@wabridge/telemetry`. */
  tracerName?: string;
}

const DEFAULT_TRACER = '@wabridge/telemetry';

/**
 * Runs `fn` inside a new active span and ends it when `fn` settles. A thrown error is recorded
 * on the span with ERROR status and rethrown unchanged.
 */
export function withSpan<T>(
  name: string,
  options: WithSpanOptions,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? otelContext.active();
  const spanOptions = { kind: options.kind, attributes: options.attributes, links: options.links };
  return trace
    .getTracer(options.tracerName ?? DEFAULT_TRACER)
    .startActiveSpan(name, spanOptions, parent, async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        recordError(span, err);
        throw err;
      } finally {
        span.end();
      }
    });
}

/**
 * Runs `fn` outside any trace, with tracing suppressed: no span is recorded for what it does
 * (the pg instrumentation needs a parent span, the http and undici instrumentations skip
 * suppressed requests entirely and inject no `traceparent`). For hot paths whose work is
 * measured by metrics instead, e.g. the notifier's webhook POSTs (ADR 0098).
 */
export function untraced<T>(fn: () => T): T {
  return otelContext.with(suppressTracing(ROOT_CONTEXT), fn);
}

/** Marks a span failed with the error's class and message. */
export function recordError(span: Span, err: unknown): void {
  if (err instanceof Error) {
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  } else {
    span.recordException(String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
  }
}

/** `trace_id` / `span_id` of the active span, for log lines (pino `mixin`). Empty when none. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
