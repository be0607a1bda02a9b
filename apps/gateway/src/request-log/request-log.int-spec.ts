import { Client } from 'pg';
import { MessageRetentionService } from '../messages/message-retention.service';
import { Harness, seedTenant, startGateway, TenantFixture, TEST_DATABASE_URL } from '../testing/gateway-harness';
import { RequestLogWriter } from './request-log.writer';

const DAY = 86_400_000;

describe('request log (gateway, real Postgres)', () => {
  let h: Harness;
  let a: TenantFixture;
  let b: TenantFixture;
  const accessToken = `EAAG${'x'.repeat(24)}secretTokenOfA`;

  beforeAll(async () => {
    h = await startGateway();
    a = await seedTenant(h, { accessToken });
    b = await seedTenant(h);
  }, 60000);

  afterAll(async () => {
    await h?.close();
  });

  const flush = (): Promise<void> => h.gw.app.get(RequestLogWriter).flush();

  async function storedRows(): Promise<string[]> {
    const c = new Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    try {
      const r = await c.query<{ row: string }>(`SELECT row_to_json(r)::text AS row FROM "${h.schema}".request_logs r`);
      return r.rows.map((x) => x.row);
    } finally {
      await c.end();
    }
  }

  it('shows a failed send with its status and error code, to its tenant only', async () => {
    const unknown = await h.api(a.key, 'POST', '/v1/messages', { phoneNumberId: '1999999999', to: '+4915112345678', type: 'text', text: { body: 'hi' } }, { 'idempotency-key': 'idem-unknown-number' });
    expect(unknown.status).toBe(404);
    const invalid = await h.api(a.key, 'POST', '/v1/messages', { phoneNumberId: a.phoneNumberId, to: '+4915112345678', type: 'text' });
    expect(invalid.status).toBe(400);
    await flush();

    const page = await h.api(a.key, 'GET', '/v1/request-logs?status=4xx&path=/v1/messages');
    expect(page.status).toBe(200);
    const byKey = page.body.data.find((r: { idempotencyKey?: string }) => r.idempotencyKey === 'idem-unknown-number');
    expect(byKey).toMatchObject({ method: 'POST', path: '/v1/messages', status: 404, errorCode: unknown.body.error.code, requestBody: { phoneNumberId: '1999999999' } });
    expect(byKey.latencyMs).toBeGreaterThanOrEqual(0);
    expect(byKey.responseBody).toEqual(unknown.body);
    const bad = page.body.data.find((r: { status: number }) => r.status === 400);
    expect(bad).toMatchObject({ errorCode: invalid.body.error.code, path: '/v1/messages' });
    // newest first
    expect(page.body.data.map((r: { status: number }) => r.status)).toEqual([400, 404]);

    const exact = await h.api(a.key, 'GET', '/v1/request-logs?status=404');
    expect(exact.body.data.map((r: { status: number }) => r.status)).toEqual([404]);

    // the Cloud-API-compatible route is recorded too, with Meta's numeric error code
    const cloud = await h.api(a.key, 'POST', '/v23.0/1999999999/messages', { messaging_product: 'whatsapp', to: '4915112345678', type: 'text', text: { body: 'hi' } });
    expect(cloud.status).toBeGreaterThanOrEqual(400);
    await flush();
    const cloudRows = await h.api(a.key, 'GET', '/v1/request-logs?path=/v23.0/');
    expect(cloudRows.body.data).toEqual([expect.objectContaining({ method: 'POST', path: '/v23.0/1999999999/messages', status: cloud.status, errorCode: String(cloud.body.error.code) })]);

    // the other tenant sees none of it, nor does reading the log add rows
    const other = await h.api(b.key, 'GET', '/v1/request-logs');
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ data: [], nextCursor: null });
  });

  it('keeps no token or secret in any stored row: headers, request bodies or answers', async () => {
    // a new API key and an OAuth client secret are in the answers; a Meta token, a webhook
    // secret and a bearer token in a request body
    const newKey = await h.api(a.key, 'POST', '/v1/api-keys', { scopes: ['messages:send'] });
    expect(newKey.status).toBe(201);
    const client = await h.api(a.key, 'POST', '/v1/oauth-clients', { name: 'crm' });
    expect(client.status).toBe(201);
    const webhookSecret = 'whsec_c2VjcmV0LXdlYmhvb2stc2VjcmV0LTEyMzQ1Njc4';
    const send = await h.api(a.key, 'POST', '/v1/messages', {
      phoneNumberId: '1999999999', to: '+4915112345678', type: 'text',
      text: { body: `our token is Bearer ${a.key} and ${webhookSecret}` }, metadata: { accessToken, appSecret: 'app-secret-value-1' },
    });
    expect(send.status).toBeGreaterThanOrEqual(400);
    await flush();

    const rows = await storedRows();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const all = rows.join('\n');
    for (const secret of [a.key, b.key, newKey.body.key, client.body.clientSecret, accessToken, webhookSecret, 'app-secret-value-1']) {
      expect(typeof secret).toBe('string');
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('[redacted]');
    // the answers are there, minus their secrets
    const listed = await h.api(a.key, 'GET', '/v1/request-logs?path=/v1/oauth-clients');
    expect(listed.body.data[0]).toMatchObject({ status: 201, responseBody: { clientId: client.body.clientId, clientSecret: '[redacted]' } });
  });

  it('pages with nextCursor and forgets calls after REQUEST_LOG_RETENTION_DAYS', async () => {
    const first = await h.api(a.key, 'GET', '/v1/request-logs?limit=2');
    expect(first.body.data).toHaveLength(2);
    const next = await h.api(a.key, 'GET', `/v1/request-logs?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body.data[0].id < first.body.data[1].id).toBe(true);
    const bad = await h.api(a.key, 'GET', '/v1/request-logs?status=abc');
    expect(bad.status).toBe(400);

    const before = (await storedRows()).length;
    const kept = await h.gw.app.get(MessageRetentionService).prune(Date.now() + 6 * DAY);
    expect(kept.requestLogs).toBe(0);
    const pruned = await h.gw.app.get(MessageRetentionService).prune(Date.now() + 8 * DAY);
    expect(pruned.requestLogs).toBe(before);
    expect(await storedRows()).toEqual([]);
  });
});

describe('request log switched off', () => {
  it('records nothing with REQUEST_LOG_ENABLED=false', async () => {
    const h = await startGateway({ REQUEST_LOG_ENABLED: 'false' });
    try {
      const t = await seedTenant(h);
      expect((await h.api(t.key, 'POST', '/v1/messages', { phoneNumberId: '1999999999', to: '+4915112345678', type: 'text', text: { body: 'x' } })).status).toBe(404);
      await h.gw.app.get(RequestLogWriter).flush();
      expect((await h.api(t.key, 'GET', '/v1/request-logs')).body.data).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60000);
});
