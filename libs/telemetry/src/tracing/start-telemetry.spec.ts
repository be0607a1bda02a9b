import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { isTelemetryStarted, shutdownTelemetry, startTelemetry, tracer } from '../index';

afterEach(() => shutdownTelemetry());

describe('startTelemetry', () => {
  it('produces real, sampled spans even with no exporter configured', () => {
    startTelemetry({ serviceName: 'telemetry-test' });
    const span = tracer('test').startSpan('x');
    span.end();
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
    expect(span.isRecording()).toBe(false); // ended
    expect(span.spanContext().traceFlags & 1).toBe(1);
  });

  it('boots once and attaches processors passed to later calls', () => {
    const first = new InMemorySpanExporter();
    const second = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'telemetry-test', spanProcessors: [new SimpleSpanProcessor(first)] });
    const provider = trace.getTracerProvider();
    startTelemetry({ serviceName: 'telemetry-test', spanProcessors: [new SimpleSpanProcessor(second)] });

    expect(trace.getTracerProvider()).toBe(provider);
    tracer('test').startSpan('seen by both').end();
    expect(first.getFinishedSpans().map((s) => s.name)).toEqual(['seen by both']);
    expect(second.getFinishedSpans().map((s) => s.name)).toEqual(['seen by both']);
    expect(first.getFinishedSpans()[0]?.resource.attributes['service.name']).toBe('telemetry-test');
  });

  it('starts nothing with OTEL_SDK_DISABLED=true: spans are no-ops and carry no trace id', () => {
    process.env.OTEL_SDK_DISABLED = 'TRUE';
    try {
      const exporter = new InMemorySpanExporter();
      startTelemetry({ serviceName: 'telemetry-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
      expect(isTelemetryStarted()).toBe(false);
      const span = tracer('test').startSpan('x');
      span.end();
      expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });

  it('can start again after a shutdown', async () => {
    startTelemetry({ serviceName: 'telemetry-test' });
    await shutdownTelemetry();
    expect(isTelemetryStarted()).toBe(false);

    const exporter = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'restarted', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    tracer('test').startSpan('after restart').end();
    expect(exporter.getFinishedSpans()[0]?.resource.attributes['service.name']).toBe('restarted');
  });
});

describe('sampling from OTEL_TRACES_SAMPLER', () => {
  const saved = { sampler: process.env.OTEL_TRACES_SAMPLER, arg: process.env.OTEL_TRACES_SAMPLER_ARG };
  afterEach(() => {
    for (const [k, v] of [['OTEL_TRACES_SAMPLER', saved.sampler], ['OTEL_TRACES_SAMPLER_ARG', saved.arg]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const rootAndChildOfSampledParent = (exporter: InMemorySpanExporter) => {
    tracer('test').startSpan('root').end();
    const sampledParent = trace.setSpanContext(context.active(), { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    tracer('test').startSpan('child of a sampled caller', {}, sampledParent).end();
    return exporter.getFinishedSpans().map((s) => s.name);
  };

  it('records no root span at ratio 0, yet follows a caller that sampled (parent-based)', () => {
    process.env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
    process.env.OTEL_TRACES_SAMPLER_ARG = '0';
    const exporter = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'sampling-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    expect(rootAndChildOfSampledParent(exporter)).toEqual(['child of a sampled caller']);
  });

  it('records every span by default (parentbased_always_on)', () => {
    delete process.env.OTEL_TRACES_SAMPLER;
    const exporter = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'sampling-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    expect(rootAndChildOfSampledParent(exporter)).toEqual(['root', 'child of a sampled caller']);
  });
});
