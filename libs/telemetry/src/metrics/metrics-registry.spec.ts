import { counter, enableDefaultMetrics, gauge, histogram, metricsRegistry } from '../index';

describe('metric helpers', () => {
  it('return the same metric when asked twice for one name', async () => {
    const a = counter('test_sends_total', 'Sends.', ['outcome']);
    const b = counter('test_sends_total', 'Sends.', ['outcome']);
    expect(b).toBe(a);
    a.inc({ outcome: 'ok' });
    b.inc({ outcome: 'ok' });
    expect((await a.get()).values[0]?.value).toBe(2);

    expect(gauge('test_lag', 'Lag.', ['topic'])).toBe(gauge('test_lag', 'Lag.', ['topic']));
    expect(histogram('test_latency_seconds', 'Latency.', [], [0.1, 1])).toBe(histogram('test_latency_seconds', 'Latency.'));
  });

  it('refuse a name reused with another type or other labels', () => {
    counter('test_reused_total', 'Reused.', ['a']);
    expect(() => gauge('test_reused_total', 'Reused.', ['a'])).toThrow('another type');
    expect(() => counter('test_reused_total', 'Reused.', ['b'])).toThrow('labels [a]');
  });

  it('label default Node metrics and our own with the service name', async () => {
    enableDefaultMetrics('metrics-test');
    enableDefaultMetrics('metrics-test'); // a second app in the same process must not throw
    counter('test_labelled_total', 'Labelled.').inc();
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="metrics-test"\} /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="metrics-test"\} /m);
    expect(text).toMatch(/^test_labelled_total\{service="metrics-test"\} 1$/m);
  });
});
