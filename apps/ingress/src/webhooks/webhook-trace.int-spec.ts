import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { WEBHOOK_RECEIVED_V1, WebhookReceivedV1 } from '@wabridge/contracts';
import { shutdownTelemetry, startTelemetry, untraced } from '@wabridge/telemetry';
import { postSignedWebhook, TopicCollector, uniqueFixture, waitFor, type CollectedMessage } from '@wabridge/testing';
import { APP_ID, APP_SECRET, IngressHarness, startIngress } from '../testing/ingress-harness';

/**
 * The webhook POST's server span (ObservabilityModule's Fastify hooks, ADR 0147) and its
 * context reaching the handler: the stored webhook's Kafka message must carry the request's
 * trace, so the normalizer's spans join it (test/e2e/ingress-trace follows it further).
 */
describe('ingress webhook tracing (real Kafka + Postgres)', () => {
  const exporter = new InMemorySpanExporter();
  let h: IngressHarness;
  let received: TopicCollector<WebhookReceivedV1>;

  beforeAll(async () => {
    startTelemetry({ serviceName: 'ingress-trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    h = await startIngress();
    received = await TopicCollector.start<WebhookReceivedV1>(WEBHOOK_RECEIVED_V1, h.suffix);
  });
  afterAll(async () => {
    await received?.stop();
    await h?.close();
    await shutdownTelemetry();
  });

  /** Posts a signed fixture (the test's own fetch not traced: only `headers` say who calls) and returns its stored message. */
  async function post(tag: string, headers: Record<string, string> = {}): Promise<CollectedMessage<WebhookReceivedV1>> {
    const raw = uniqueFixture('message-text--pywa-1.json', `${h.suffix}-${tag}`).raw;
    const res = await untraced(() => postSignedWebhook(`${h.url}/webhooks/meta/${APP_ID}`, raw, APP_SECRET, headers));
    expect(res.status).toBe(200);
    return waitFor(() => received.messages.find((m) => Buffer.from(m.value.rawBody, 'base64').equals(raw)), { what: `the stored webhook ${tag}` });
  }

  const serverSpanOf = (traceId: string): Promise<ReadableSpan> =>
    waitFor(() => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId), { what: `the server span of trace ${traceId}` });
  const traceparentOf = (m: CollectedMessage<unknown>): { traceId?: string; spanId?: string } => {
    const [, traceId, spanId] = m.headers['traceparent']?.split('-') ?? [];
    return { traceId, spanId };
  };

  it("stores Meta's webhook in the trace of the caller's traceparent, produced under the POST's server span", async () => {
    const caller = { traceId: '5c0a1f2e3d4b5a69788796a5b4c3d2e1', spanId: 'a1b2c3d4e5f60718' };
    const message = await post('with-parent', { traceparent: `00-${caller.traceId}-${caller.spanId}-01` });

    const server = await serverSpanOf(caller.traceId);
    expect(server).toMatchObject({ name: 'POST /webhooks/meta/:appId', attributes: { 'http.route': '/webhooks/meta/:appId', 'http.response.status_code': 200 } });
    expect(server.parentSpanContext?.spanId).toBe(caller.spanId);
    // the handler's produce: its publish span is the server span's child, and the message names it
    const publish = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER && s.spanContext().spanId === traceparentOf(message).spanId);
    expect(publish?.name).toBe(`${WEBHOOK_RECEIVED_V1.topic}.${h.suffix} publish`);
    expect(publish?.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(traceparentOf(message).traceId).toBe(caller.traceId);
  });

  it('starts a trace per webhook when Meta sends no traceparent, and the stored message carries it', async () => {
    const first = await post('root-1');
    const second = await post('root-2');
    const [a, b] = [traceparentOf(first).traceId, traceparentOf(second).traceId];
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).not.toBe(a);
    for (const traceId of [a!, b!]) {
      const server = await serverSpanOf(traceId);
      expect(server.name).toBe('POST /webhooks/meta/:appId');
      expect(server.parentSpanContext).toBeUndefined();
    }
  });
});
