import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { DestinationStream } from 'pino';
import { runWithLogContext, addLogFields } from './log-context';
import { createLogger, resolveFormat } from './logger';
import { formatPretty } from './pretty';

function collector(): DestinationStream & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    manager.disable();
    context.disable();
  });

  it('writes one JSON line with service, level label, time and the active span ids', () => {
    const out = collector();
    const log = createLogger({ service: 'gateway', level: 'info', destination: out });
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    context.with(trace.setSpanContext(context.active(), spanContext), () => log.child({ component: 'send' }).info({ n: 1 }, 'accepted'));
    log.info('outside');
    expect(out.lines[0]).toMatchObject({ level: 'info', service: 'gateway', component: 'send', msg: 'accepted', n: 1, trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(typeof out.lines[0]!['time']).toBe('string');
    expect(out.lines[1]!['trace_id']).toBeUndefined();
  });

  it('carries tenant and message ids of the log context, across awaits', async () => {
    const out = collector();
    const log = createLogger({ service: 'dispatcher', destination: out });
    await runWithLogContext({ tenant_id: 't1' }, async () => {
      await Promise.resolve();
      addLogFields({ message_id: 'm1' });
      await new Promise((r) => setImmediate(r));
      log.info('sent');
    });
    log.info('after');
    expect(out.lines[0]).toMatchObject({ tenant_id: 't1', message_id: 'm1' });
    expect(out.lines[1]!['tenant_id']).toBeUndefined();
  });

  it('redacts secrets in fields and in the message, and skips lines below its level', () => {
    const out = collector();
    const log = createLogger({ service: 'x', level: 'warn', destination: out });
    log.info({ accessToken: 'EAA-secret' }, 'never written');
    log.warn({ number: { accessToken: 'EAA-secret' }, headers: { authorization: 'Bearer abc' } }, 'failed with Bearer abc.def');
    expect(out.lines).toHaveLength(1);
    const text = JSON.stringify(out.lines[0]);
    expect(text).not.toContain('EAA-secret');
    expect(text).not.toContain('abc');
    expect(out.lines[0]!['msg']).toBe('failed with Bearer [redacted]');
  });

  it('writes errors with their class, message and stack, redacted', () => {
    const out = collector();
    const log = createLogger({ service: 'x', destination: out });
    class GraphError extends Error {}
    log.error({ err: new GraphError('refused token EAAB0123456789012345678901234') }, 'failed');
    expect(out.lines[0]!['err']).toMatchObject({ type: 'GraphError', message: 'refused token [redacted]', stack: expect.stringContaining('refused token [redacted]\n    at ') });
    expect(JSON.stringify(out.lines[0])).not.toContain('EAAB0123');
  });

  it('picks JSON in production and tests, pretty elsewhere unless LOG_FORMAT says', () => {
    expect(resolveFormat(undefined, 'production')).toBe('json');
    expect(resolveFormat(undefined, 'test')).toBe('json');
    expect(resolveFormat(undefined, undefined)).toBe('pretty');
    expect(resolveFormat('json', 'development')).toBe('json');
    expect(resolveFormat('pretty', 'production')).toBe('pretty');
  });

  it('prints pretty lines with the time, level, who and the other fields', () => {
    const line = formatPretty({ level: 'warn', time: '2026-12-06T04:00:01.234Z', service: 'gateway', component: 'send', msg: 'slow', trace_id: 'abc', ms: 12 });
    expect(line).toBe('04:00:01.234 WARN  gateway/send slow trace_id=abc ms=12');
  });
});

describe('span log fields', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    manager.disable();
    context.disable();
  });

  it('lines written while a span is active carry the fields attached to it (the gateway tenant)', async () => {
    const { addSpanLogFields } = await import('./log-context');
    const out: Record<string, unknown>[] = [];
    const log = createLogger({ service: 'gateway', destination: { write: (l: string) => void out.push(JSON.parse(l) as Record<string, unknown>) } });
    const spanContext = { traceId: '1af7651916cd43dd8448eb211c80319c', spanId: 'c7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const ctx = trace.setSpanContext(context.active(), spanContext);
    context.with(ctx, () => addSpanLogFields({ tenant_id: 't9' }));
    await context.with(ctx, async () => {
      await new Promise((r) => setImmediate(r));
      log.info('later in the request');
    });
    log.info('elsewhere');
    expect(out[0]).toMatchObject({ tenant_id: 't9', trace_id: spanContext.traceId });
    expect(out[1]!['tenant_id']).toBeUndefined();
  });
});
