import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { shutdownTelemetry, startTelemetry, tracer, untraced } from '@wabridge/telemetry';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { MetaGraphClient } from './graph.client';

/** Each Graph call is one CLIENT span of the client's own, and its context goes out with it (ADR 0128). */
describe('MetaGraphClient tracing', () => {
  const exporter = new InMemorySpanExporter();
  const seen: IncomingMessage['headers'][] = [];
  let status = 200;
  let server: Server;
  let base: string;
  let client: MetaGraphClient;

  beforeAll(async () => {
    startTelemetry({ serviceName: 'meta-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status === 200 ? { messages: [{ id: 'wamid.1' }] } : { error: { code: 131000, message: 'boom' } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new MetaGraphClient({ timeoutMs: 2000 });
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await shutdownTelemetry();
  });
  beforeEach(() => {
    exporter.reset();
    seen.length = 0;
    status = 200;
  });

  const target = () => ({ baseUrl: `${base}/graph`, version: 'v23.0', token: 'tok' });

  it('makes one CLIENT span per call under the caller\'s span and sends its traceparent', async () => {
    const parent = tracer('test').startSpan('graph.messages send');
    const r = await context.with(trace.setSpan(context.active(), parent), () => client.sendMessage(target(), '123', { to: '49' }));
    parent.end();
    expect(r).toMatchObject({ ok: true, wamid: 'wamid.1' });
    const spans = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('POST');
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.attributes).toMatchObject({
      'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http.response.status_code': 200,
      'url.full': `${base}/graph/v23.0/123/messages`,
    });
    const { traceId, spanId } = span.spanContext();
    expect(seen[0]!.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('marks a failed call and keeps the query (secrets) out of the URL attribute', async () => {
    status = 500;
    const r = await client.request(target(), 'GET', 'oauth/access_token', { query: { client_secret: 's3cret' } });
    expect(r.ok).toBe(false);
    const span = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT)!;
    expect(span.attributes['http.response.status_code']).toBe(500);
    expect(String(span.attributes['url.full'])).not.toContain('s3cret');
    const refused = await client.request({ baseUrl: 'http://127.0.0.1:1', version: 'v23.0', token: null }, 'GET', 'x');
    expect(refused.ok).toBe(false);
    const failed = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT)[1]!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('network');
  });

  it('inside untraced(): no span and no traceparent', async () => {
    const r = await untraced(() => client.sendMessage(target(), '123', { to: '49' }));
    expect(r.ok).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(seen[0]!.traceparent).toBeUndefined();
  });
});
