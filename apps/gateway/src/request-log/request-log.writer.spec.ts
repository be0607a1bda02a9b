import { metricsRegistry } from '@wabridge/telemetry';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CapturedCall, RequestLogRow, storedBody, errorCodeOf, isTenantApiPath, toRow } from './request-log.entry';
import { RequestLogRepository } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';

const env = { REQUEST_LOG_ENABLED: true, REQUEST_LOG_QUEUE_MAX: 100, REQUEST_LOG_FLUSH_MS: 60000, REQUEST_LOG_BODY_MAX_BYTES: 8192 } as ResolvedGatewayEnv;

function call(i: number): CapturedCall {
  return { tenantId: 't1', at: Date.now(), method: 'POST', path: '/v1/messages', status: 202, latencyMs: 1, requestBody: { i }, responsePayload: '{"id":"x","status":"accepted"}' };
}

async function dropped(reason: string): Promise<number> {
  const m = await metricsRegistry.getSingleMetric('gateway_request_log_dropped_total')?.get();
  return m?.values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
}

describe('RequestLogWriter', () => {
  it('never makes a request wait: with the database stuck, calls beyond the queue bound are dropped and counted', async () => {
    let release!: () => void;
    const stuck = new Promise<void>((r) => { release = r; });
    const inserted: RequestLogRow[][] = [];
    const repo = { insertMany: async (rows: RequestLogRow[]) => { inserted.push(rows); await stuck; } } as unknown as RequestLogRepository;
    const writer = new RequestLogWriter(repo, env);
    const before = await dropped('queue_full');
    const flushing = (async () => {
      for (let i = 0; i < 100; i++) writer.record(call(i));
      return writer.flush(); // the INSERT hangs
    })();
    await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    for (let i = 100; i < 250; i++) writer.record(call(i)); // returns at once, queue bound 100
    expect(performance.now() - t0).toBeLessThan(50);
    expect((await dropped('queue_full')) - before).toBe(50);
    release();
    await flushing;
    await writer.flush();
    expect(inserted.flat()).toHaveLength(200);
  });

  it('drops (and counts) a batch the database refused, and goes on with the next', async () => {
    let fail = true;
    const written: RequestLogRow[] = [];
    const repo = { insertMany: async (rows: RequestLogRow[]) => { if (fail) throw new Error('db down'); written.push(...rows); } } as unknown as RequestLogRepository;
    const writer = new RequestLogWriter(repo, env);
    const before = await dropped('write_failed');
    writer.record(call(1));
    writer.record(call(2));
    await writer.flush();
    expect((await dropped('write_failed')) - before).toBe(2);
    fail = false;
    writer.record(call(3));
    await writer.flush();
    expect(written.map((r) => JSON.parse(r.requestBody!))).toEqual([{ i: 3 }]);
  });
});

describe('request log entries', () => {
  it('bounds a body after redaction: the head never shows a secret, the row stays JSON', () => {
    const big = { accessToken: 'EAAsecret', text: 'x'.repeat(10000) };
    const stored = JSON.parse(storedBody(big, 1024)!);
    expect(stored).toMatchObject({ truncated: true, bytes: expect.any(Number) });
    expect(stored.head).toContain('"accessToken":"[redacted]"');
    expect(stored.head.length).toBe(1024);
  });

  it('keeps one-time codes (signup, phone verification) out of stored requests, but not a template\'s language code', () => {
    const call = (requestBody: unknown): CapturedCall => ({ tenantId: 't', at: 0, method: 'POST', path: '/v1/x', status: 400, latencyMs: 1, requestBody, responsePayload: '{"error":{"code":"verification_code_invalid"}}' });
    const verify = toRow('1', call({ code: '123456' }), 8192);
    expect(verify.requestBody).toBe('{"code":"[redacted]"}');
    expect(verify.errorCode).toBe('verification_code_invalid');
    expect(toRow('2', call({ template: { language: { code: 'en_US' } } }), 8192).requestBody).toContain('"code":"en_US"');
  });

  it('redacts a secret in the requested URL when the row is made (not on the request path)', () => {
    const row = toRow('1', { tenantId: 't', at: 0, method: 'GET', path: '/v1/messages?access_token=EAAsecret123&limit=5', status: 200, latencyMs: 1 }, 8192);
    expect(row.path).not.toContain('EAAsecret123');
    expect(row.path).toContain('access_token=');
    expect(row.path).toContain('limit=5');
  });

  it('reads our error code and the Cloud API\'s numeric one', () => {
    expect(errorCodeOf({ error: { code: 'not_found', message: 'x' } })).toBe('not_found');
    expect(errorCodeOf({ error: { message: 'x', type: 'OAuthException', code: 131030 } })).toBe('131030');
    expect(errorCodeOf({ id: 'x' })).toBeNull();
  });

  it('records the tenant API and Cloud API routes, not admin, health, OAuth or the log itself', () => {
    for (const p of ['/v1/messages', '/v1/contacts?waId=1', '/v23.0/123/messages', '/123/messages', '/v23.0/456']) expect(isTenantApiPath(p)).toBe(true);
    for (const p of ['/admin/v1/tenants', '/health/live', '/oauth/token', '/.well-known/jwks.json', '/docs', '/v1/request-logs?status=4xx', '/dashboard']) expect(isTenantApiPath(p)).toBe(false);
  });
});
