import { trace } from '@opentelemetry/api';
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
