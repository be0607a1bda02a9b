import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { isTracingSuppressed } from '@opentelemetry/core';
import { context } from '@opentelemetry/api';
import { shutdownTelemetry, startTelemetry, traceLogFields, untraced, withSpan } from '../index';

const exporter = new InMemorySpanExporter();

beforeAll(() => startTelemetry({ serviceName: 'telemetry-test', spanProcessors: [new SimpleSpanProcessor(exporter)] }));
afterAll(() => shutdownTelemetry());
beforeEach(() => exporter.reset());

describe('withSpan', () => {
  it('records the exception, marks the span ERROR, ends it and rethrows the same error', async () => {
    const boom = new Error('graph answered 500');
    await expect(withSpan('send', { kind: SpanKind.CLIENT }, async () => Promise.reject(boom))).rejects.toBe(boom);

    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('send');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'graph answered 500' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
    expect(span?.events[0]?.attributes?.['exception.message']).toBe('graph answered 500');
  });

  it('records a synchronous throw the same way', async () => {
    await expect(
      withSpan('sync', {}, () => {
        throw new TypeError('bad input');
      }),
    ).rejects.toThrow('bad input');
    expect(exporter.getFinishedSpans()[0]?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('returns the result, keeps attributes and links, and makes the span active inside fn', async () => {
    const linked = trace.getTracer('test').startSpan('earlier send');
    linked.end();
    const result = await withSpan(
      'settle',
      { attributes: { 'wabridge.message_id': 'm-1' }, links: [{ context: linked.spanContext() }] },
      async (span) => {
        expect(trace.getActiveSpan()).toBe(span);
        expect(traceLogFields()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
        return withSpan('child', {}, async (child) => child.spanContext().traceId === span.spanContext().traceId);
      },
    );

    expect(result).toBe(true);
    const settle = exporter.getFinishedSpans().find((s) => s.name === 'settle');
    expect(settle?.status.code).toBe(SpanStatusCode.UNSET);
    expect(settle?.attributes['wabridge.message_id']).toBe('m-1');
    expect(settle?.links[0]?.context.spanId).toBe(linked.spanContext().spanId);
    expect(exporter.getFinishedSpans().find((s) => s.name === 'child')?.parentSpanContext?.spanId).toBe(
      settle?.spanContext().spanId,
    );
  });

  it('gives no log fields outside a span', () => {
    expect(traceLogFields()).toEqual({});
  });
});

describe('untraced', () => {
  it('records no span for work inside it, not even under an active span, and leaves the outer trace alone', async () => {
    const inner = await withSpan('consume', {}, async () =>
      untraced(async () => {
        expect(isTracingSuppressed(context.active())).toBe(true);
        expect(trace.getActiveSpan()).toBeUndefined(); // detached: pg's requireParentSpan skips its queries
        await withSpan('post', {}, async () => undefined);
        return trace.getTracer('test').startSpan('query').isRecording();
      }));
    expect(inner).toBe(false);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['consume']);
    expect(isTracingSuppressed(context.active())).toBe(false);
  });
});
