import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { freePort, postSignedWebhook, randomSuffix, ServiceProcess, startOtlpReceiver, TEST_BROKERS, TopicCollector, uniqueFixture, waitFor } from '@wabridge/testing';

describe('ingress tracing (real process, real Kafka, OTLP export)', () => {
  it('puts the webhook POST, its produce, the normalizer consume and the typed produce in one trace', async () => {
    const otlp = await startOtlpReceiver();
    const suffix = randomSuffix('tr');
    const ingress = new ServiceProcess('ingress', await freePort(), {
      KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: suffix, KAFKA_PARTITIONS: '1',
      META_APP_ID: 'trace-app', META_APP_SECRET: 'trace-secret-123', META_VERIFY_TOKEN: 'trace-verify',
      NORMALIZER_GROUP_ID: `norm-${suffix}`, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await ingress.start();
    const inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, suffix);
    try {
      const fixture = uniqueFixture('message-text--pywa-1.json', suffix);
      const res = await postSignedWebhook(`${ingress.url}/webhooks/meta/trace-app`, fixture.raw, 'trace-secret-123');
      expect(res.status).toBe(200);
      const [event] = await inbound.waitForCount(1, 30000);
      const traceId = event!.headers.traceparent?.split('-')[1];
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);

      const trace = await waitFor(() => {
        const mine = otlp.spans.filter((s) => s.traceId === traceId);
        const names = mine.map((s) => s.name);
        const ok = names.some((n) => /^POST /.test(n)) && names.some((n) => n.startsWith(`wa.webhook.received.v1.${suffix} publish`)) &&
          names.some((n) => n.startsWith(`wa.webhook.received.v1.${suffix} process`)) && names.some((n) => n.includes(`wa.inbound.message.v1.${suffix}`) && n.endsWith('publish'));
        return ok ? mine : undefined;
      }, { timeoutMs: 30000, what: `all spans of trace ${traceId} (have ${otlp.spans.map((s) => s.name).join(', ')})` });

      const byName = (re: RegExp) => trace.find((s) => re.test(s.name))!;
      const post = byName(/^POST /);
      const publish = byName(/^wa\.webhook\.received\.v1\..* publish$/);
      const consume = byName(/^wa\.webhook\.received\.v1\..* process$/);
      const typed = byName(/wa\.inbound\.message\.v1.*publish$/);
      // parent chain: POST → publish → consume → typed publish
      expect(publish.parentSpanId).toBeDefined();
      expect(consume.parentSpanId).toBe(publish.spanId);
      expect(typed.parentSpanId).toBe(consume.spanId);
      expect(post.kind).toBe(2); // SERVER
    } finally {
      await inbound.stop();
      await ingress.stop();
      await otlp.close();
    }
  }, 90000);
});
