import { Client } from 'pg';
import { accessTokenAad } from '@wabridge/config';
import { APP_CHANGED_V1, NUMBER_CHANGED_V1 } from '@wabridge/contracts';
import { TopicCollector } from '@wabridge/testing';
import { Harness, seedTenant, startGateway, TEST_DATABASE_URL, uniqueDigits } from '../testing/gateway-harness';

describe('gateway accounts (admin API, API keys, Meta registry)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startGateway();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 401 on the admin API without or with a wrong admin token', async () => {
    const none = await fetch(`${h.url}/admin/v1/tenants`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe('unauthorized');
    const wrong = await h.api('not-the-admin-token', 'POST', '/admin/v1/tenants', { name: 'x' });
    expect(wrong.status).toBe(401);
  });

  it('creates a tenant whose first API key is shown once, has every scope and authenticates', async () => {
    const res = await h.admin('POST', '/admin/v1/tenants', { name: 'Acme' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/), name: 'Acme',
      apiKey: { id: expect.any(String), key: expect.stringMatching(/^wbk_live_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/), prefix: expect.any(String), scopes: ['messages:send', 'messages:read', 'contacts', 'media', 'webhooks', 'conversations', 'campaigns', 'admin'] },
    });
    expect(res.body.apiKey.key).toContain(res.body.apiKey.prefix);
    const list = await h.admin('GET', `/admin/v1/tenants/${res.body.id}/api-keys`);
    expect(JSON.stringify(list.body)).not.toContain(res.body.apiKey.key);
    const ok = await h.api(res.body.apiKey.key, 'GET', '/v1/messages');
    expect(ok.status).toBe(200);
  });

  it('answers 401 for a missing, malformed, unknown or revoked key and 403 for a missing scope', async () => {
    const t = await h.admin('POST', '/admin/v1/tenants', { name: 'Keys' });
    const readOnly = await h.admin('POST', `/admin/v1/tenants/${t.body.id}/api-keys`, { scopes: ['messages:read'] });
    expect(readOnly.status).toBe(201);
    expect(readOnly.body.scopes).toEqual(['messages:read']);
    expect((await fetch(`${h.url}/v1/messages`)).status).toBe(401);
    expect((await h.api('garbage', 'GET', '/v1/messages')).status).toBe(401);
    const forged = readOnly.body.key.slice(0, -4) + 'AAAA';
    expect((await h.api(forged, 'GET', '/v1/messages')).status).toBe(401);
    expect((await h.api(readOnly.body.key, 'GET', '/v1/messages')).status).toBe(200);
    const denied = await h.api(readOnly.body.key, 'POST', '/v1/messages', { phoneNumberId: '1', to: '+14155550123', type: 'text', text: { body: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect((await h.admin('DELETE', `/admin/v1/api-keys/${readOnly.body.id}`)).status).toBe(204);
    expect((await h.api(readOnly.body.key, 'GET', '/v1/messages')).status).toBe(401);
    expect((await h.admin('DELETE', '/admin/v1/api-keys/01JUNKNOWNKEY0000000000000')).status).toBe(404);
  });

  it('validates admin bodies and names the field', async () => {
    const res = await h.admin('POST', '/admin/v1/tenants', { name: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('name');
    const scopes = await h.admin('POST', `/admin/v1/tenants/${(await h.admin('POST', '/admin/v1/tenants', { name: 'x' })).body.id}/api-keys`, { scopes: ['root'] });
    expect(scopes.status).toBe(400);
    expect(scopes.body.error.message).toContain('scopes');
  });

  it('stores no plaintext secret, never returns one, and publishes sealed number and app state', async () => {
    const numbers = await TopicCollector.start<any>(NUMBER_CHANGED_V1, h.suffix);
    const apps = await TopicCollector.start<any>(APP_CHANGED_V1, h.suffix);
    try {
      const token = `EAAG-super-secret-${uniqueDigits()}`;
      const fx = await seedTenant(h, { accessToken: token });
      const appSecret = `secret-${fx.appId}`;
      const listed = await h.admin('GET', `/admin/v1/tenants/${fx.tenantId}/phone-numbers`);
      expect(listed.body.data).toEqual([expect.objectContaining({ phoneNumberId: fx.phoneNumberId, status: 'active', wabaId: fx.wabaId, appId: fx.appId, graphApiVersion: 'v23.0', mps: 80, tier: '250' })]);
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect(JSON.stringify((await h.admin('GET', '/admin/v1/apps')).body)).not.toContain(appSecret);

      const pg = new Client({ connectionString: TEST_DATABASE_URL });
      await pg.connect();
      try {
        const dump = await pg.query(`SELECT row_to_json(n)::text AS j FROM "${h.schema}".phone_numbers n UNION ALL SELECT row_to_json(a)::text FROM "${h.schema}".meta_apps a`);
        const text = dump.rows.map((r) => r.j).join('\n');
        expect(text).toContain(fx.phoneNumberId);
        expect(text).not.toContain(token);
        expect(text).not.toContain(appSecret);
        expect(text).not.toContain(`verify-${fx.appId}`);
        // a ciphertext moved to another row does not open (AAD binds it to its row)
        const sealed = (await pg.query(`SELECT access_token FROM "${h.schema}".phone_numbers WHERE phone_number_id = $1`, [fx.phoneNumberId])).rows[0].access_token;
        expect(h.box.open(sealed, `gateway.phone_numbers:${fx.phoneNumberId}:access_token`)).toBe(token);
        expect(() => h.box.open(sealed, `gateway.phone_numbers:1:access_token`)).toThrow();
      } finally {
        await pg.end();
      }

      const [numberEvent] = await numbers.waitForCount(1);
      expect(numberEvent!.key).toBe(fx.phoneNumberId);
      expect(JSON.stringify(numberEvent!.value)).not.toContain(token);
      expect(h.box.open(numberEvent!.value.accessToken, accessTokenAad(numberEvent!.value))).toBe(token);
      // bound to the number, its Graph base URL and revision (ADR 0072): another base URL does not open it
      expect(() => h.box.open(numberEvent!.value.accessToken, accessTokenAad({ ...numberEvent!.value, graphBaseUrl: 'https://evil.example' }))).toThrow();
      expect(() => h.box.open(numberEvent!.value.accessToken, `number:${fx.phoneNumberId}`)).toThrow();
      expect(numberEvent!.value).toMatchObject({ tenantId: fx.tenantId, status: 'active', wabaId: fx.wabaId, appId: fx.appId, revision: 0 });
      const appEvent = (await apps.waitForCount(1)).find((m) => m.key === fx.appId)!;
      expect(h.box.open(appEvent.value.appSecret, `app:${fx.appId}`)).toBe(appSecret);
      expect(h.box.open(appEvent.value.verifyToken, `app:${fx.appId}`)).toBe(`verify-${fx.appId}`);
    } finally {
      await numbers.stop();
      await apps.stop();
    }
  });

  it('pauses, resumes and rotates a number, publishing each new state with a higher revision', async () => {
    const fx = await seedTenant(h);
    const numbers = await TopicCollector.start<any>(NUMBER_CHANGED_V1, h.suffix);
    try {
      const path = `/admin/v1/tenants/${fx.tenantId}/phone-numbers/${fx.phoneNumberId}`;
      const paused = await h.admin('PATCH', path, { status: 'paused', pausedReason: 'token expired' });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ status: 'paused', pausedReason: 'token expired', revision: 1 });
      const resumed = await h.admin('PATCH', path, { status: 'active', accessToken: 'EAAG-rotated' });
      expect(resumed.body).toMatchObject({ status: 'active', revision: 2 });
      expect(resumed.body.pausedReason).toBeUndefined();
      expect(JSON.stringify(resumed.body)).not.toContain('EAAG-rotated');
      const mine = await waitForKey(numbers, fx.phoneNumberId, 2);
      expect(mine.map((m) => m.value.status)).toEqual(expect.arrayContaining(['paused', 'active']));
      const last = mine.find((m) => m.value.revision === 2)!;
      expect(h.box.open(last.value.accessToken, accessTokenAad(last.value))).toBe('EAAG-rotated');
      // another tenant cannot touch it
      const other = await h.admin('POST', '/admin/v1/tenants', { name: 'other' });
      expect((await h.admin('PATCH', `/admin/v1/tenants/${other.body.id}/phone-numbers/${fx.phoneNumberId}`, { status: 'paused' })).status).toBe(404);
      const steal = await h.admin('POST', `/admin/v1/tenants/${other.body.id}/phone-numbers`, {
        phoneNumberId: fx.phoneNumberId, displayPhoneNumber: '+1', wabaId: uniqueDigits('7'), appId: fx.appId, accessToken: 'x',
      });
      expect(steal.status).toBe(409);
    } finally {
      await numbers.stop();
    }
  });

  it('lists a number whose WABA restriction has run out as able to send', async () => {
    const fx = await seedTenant(h);
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    try {
      // expired, not yet cleared by the refresher
      await pg.query(`UPDATE "${h.schema}".wabas SET restrictions = '{RESTRICTED_ADD_PHONE_NUMBER_ACTION}', restricted_until = now() - interval '1 hour' WHERE waba_id = $1`, [fx.wabaId]);
    } finally {
      await pg.end();
    }
    const listed = await h.admin('GET', `/admin/v1/tenants/${fx.tenantId}/phone-numbers`);
    expect(listed.body.data).toEqual([expect.objectContaining({ phoneNumberId: fx.phoneNumberId, status: 'active' })]);
    expect(listed.body.data[0].meta.maySend).toBe(true);
    expect(listed.body.data[0].meta.blocked).toBeUndefined();
  });

  it('refuses a number whose Meta app is not registered', async () => {
    const t = await h.admin('POST', '/admin/v1/tenants', { name: 'noapp' });
    const res = await h.admin('POST', `/admin/v1/tenants/${t.body.id}/phone-numbers`, {
      phoneNumberId: uniqueDigits('9'), displayPhoneNumber: '+1', wabaId: uniqueDigits('8'), appId: 'nope', accessToken: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('appId');
  });
});

async function waitForKey(c: TopicCollector<any>, key: string, min: number) {
  const { waitFor } = await import('@wabridge/testing');
  return waitFor(() => {
    const mine = c.messages.filter((m) => m.key === key && m.value.revision >= 1);
    return mine.length >= min ? mine : undefined;
  }, { what: `${min} number events for ${key}` });
}
