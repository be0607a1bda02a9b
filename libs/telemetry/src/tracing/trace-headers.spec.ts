import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { extractTraceContext, injectTraceHeaders, shutdownTelemetry, startTelemetry, withSpan } from '../index';

const exporter = new InMemorySpanExporter();

beforeAll(() => startTelemetry({ serviceName: 'telemetry-test', spanProcessors: [new SimpleSpanProcessor(exporter)] }));
afterAll(() => shutdownTelemetry());
beforeEach(() => exporter.reset());

/** What kafkajs hands a consumer: every header value is a Buffer. */
function asReceived(headers: Record<string, string | Buffer | undefined>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Buffer.from(v);
  return out;
}

describe('Kafka trace headers', () => {
  it('continues the producer trace in the consumer span when headers arrive as Buffers', async () => {
    const headers: Record<string, string | Buffer | undefined> = { 'x-other': 'kept' };
    const producerSpan = await withSpan('wa.test publish', { kind: SpanKind.PRODUCER }, async (span) => {
      injectTraceHeaders(headers);
      return span.spanContext();
    });

    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(headers['x-other']).toBe('kept');

    const received = extractTraceContext(asReceived(headers));
    const consumerSpan = await withSpan('wa.test process', { kind: SpanKind.CONSUMER, parent: received }, async (span) =>
      span.spanContext(),
    );

    expect(consumerSpan.traceId).toBe(producerSpan.traceId);
    const finished = exporter.getFinishedSpans().find((s) => s.name === 'wa.test process');
    expect(finished?.parentSpanContext?.spanId).toBe(producerSpan.spanId);
  });

  it('injects the context it is given rather than the active one', () => {
    const span = trace.getTracer('test').startSpan('explicit');
    const headers: Record<string, string | Buffer | undefined> = {};
    injectTraceHeaders(headers, trace.setSpan(ROOT_CONTEXT, span));
    span.end();
    expect(headers['traceparent']).toContain(span.spanContext().traceId);
  });

  it('reads the first value when a header was sent twice', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const ctx = extractTraceContext({ traceparent: [Buffer.from(traceparent), Buffer.from('garbage')] });
    expect(trace.getSpanContext(ctx)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(trace.getSpanContext(ctx)?.isRemote).toBe(true);
  });

  it('carries baggage next to the trace context', () => {
    const withBaggage = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ tenant: { value: 't-1' } }));
    const headers: Record<string, string | Buffer | undefined> = {};
    injectTraceHeaders(headers, withBaggage);
    const ctx = extractTraceContext(asReceived(headers));
    expect(propagation.getBaggage(ctx)?.getEntry('tenant')?.value).toBe('t-1');
  });

  it('starts a fresh trace for a message without headers, even inside an active span', async () => {
    await withSpan('poll loop', {}, async () => {
      expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
      expect(trace.getSpanContext(extractTraceContext({ other: Buffer.from('x') }))).toBeUndefined();
      expect(trace.getSpanContext(context.active())).toBeDefined();
    });
  });
});
