import { createPublicKey, verify } from 'node:crypto';
import { ClientCredentials } from 'simple-oauth2';
import { ManualClock } from '@wabridge/time';
import { Harness, startGateway } from '../testing/gateway-harness';

const ALL = ['messages:send', 'messages:read', 'contacts', 'media', 'webhooks', 'conversations', 'campaigns', 'admin'];
const SEND = { phoneNumberId: '1', to: '+14155550123', type: 'text', text: { body: 'x' } };

interface TokenAnswer {
  status: number;
  body: any;
  headers: Headers;
}

describe('gateway OAuth2 client credentials and API-key self-service (ADR 0160-0162)', () => {
  let h: Harness;
  // the gateway's clock: expiry, overlap windows and key retirement move only when a test says so
  const clock = new ManualClock(Date.now());
  let tenantId: string;
  let adminKey: string;

  const token = async (form: Record<string, string>, opts: { basic?: [string, string]; json?: boolean } = {}): Promise<TokenAnswer> => {
    const headers: Record<string, string> = { 'content-type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded' };
    if (opts.basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(opts.basic[0])}:${encodeURIComponent(opts.basic[1])}`).toString('base64')}`;
    const res = await fetch(`${h.url}/oauth/token`, { method: 'POST', headers, body: opts.json ? JSON.stringify(form) : new URLSearchParams(form).toString() });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const newClient = async (scopes?: string[]): Promise<{ clientId: string; clientSecret: string; scopes: string[] }> => {
    const res = await h.api(adminKey, 'POST', '/v1/oauth-clients', { name: 'integration', ...(scopes ? { scopes } : {}) });
    expect(res.status).toBe(201);
    return res.body;
  };
  const accessToken = async (c: { clientId: string; clientSecret: string }, scope?: string): Promise<string> => {
    const res = await token({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, { basic: [c.clientId, c.clientSecret] });
    expect(res.status).toBe(200);
    return res.body.access_token;
  };
  const kidOf = (jwt: string): string => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid;

  beforeAll(async () => {
    h = await startGateway({ OAUTH_TOKEN_TTL_SECONDS: '900' }, { clock, consume: false });
    const t = await h.admin('POST', '/admin/v1/tenants', { name: `oauth-${Date.now()}` });
    tenantId = t.body.id;
    adminKey = t.body.apiKey.key;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates a client with least-privilege default scopes, its secret shown once, and issues tokens (form or JSON, Basic or body)', async () => {
    const c = await newClient();
    expect(c).toEqual({ clientId: expect.stringMatching(/^wbc_[a-z2-7]{16}$/), clientSecret: expect.stringMatching(/^wbcs_/), name: 'integration', scopes: ['messages:send', 'messages:read'] });
    const list = await h.api(adminKey, 'GET', '/v1/oauth-clients');
    expect(list.body.data).toContainEqual(expect.objectContaining({ clientId: c.clientId, scopes: ['messages:send', 'messages:read'], revokedAt: null }));
    expect(JSON.stringify(list.body)).not.toContain(c.clientSecret);

    const variants = [
      await token({ grant_type: 'client_credentials' }, { basic: [c.clientId, c.clientSecret] }),
      await token({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }),
      await token({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }, { json: true }),
      await token({ grant_type: 'client_credentials' }, { basic: [c.clientId, c.clientSecret], json: true }),
    ];
    for (const res of variants) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/), token_type: 'Bearer', expires_in: 900, scope: 'messages:send messages:read' });
      expect(res.headers.get('cache-control')).toBe('no-store');
      const claims = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ sub: c.clientId, tid: tenantId, exp: Math.floor(clock.now() / 1000) + 900 });
      expect((await h.api(res.body.access_token, 'GET', '/v1/messages')).status).toBe(200);
    }
  });

  it('answers RFC 6749 errors: invalid_client for a wrong secret or unknown client, unsupported_grant_type, invalid_scope', async () => {
    const c = await newClient(['messages:read']);
    const wrong = await token({ grant_type: 'client_credentials' }, { basic: [c.clientId, c.clientSecret.slice(0, -2) + 'xx'] });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    const unknown = await token({ grant_type: 'client_credentials', client_id: 'wbc_aaaaaaaaaaaaaaaa', client_secret: c.clientSecret });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const none = await token({ grant_type: 'client_credentials' });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');
    const grant = await token({ grant_type: 'password', username: 'a', password: 'b' }, { basic: [c.clientId, c.clientSecret] });
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
    const scope = await token({ grant_type: 'client_credentials', scope: 'messages:read contacts' }, { basic: [c.clientId, c.clientSecret] });
    expect(scope.status).toBe(400);
    expect(scope.body.error).toBe('invalid_scope');
    const missing = await token({}, { basic: [c.clientId, c.clientSecret] });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('enforces scopes: a token without messages:send gets 403 on POST /v1/messages, and a narrower scope can be asked for', async () => {
    const reader = await newClient(['messages:read']);
    const t = await accessToken(reader);
    expect((await h.api(t, 'GET', '/v1/messages')).status).toBe(200);
    const denied = await h.api(t, 'POST', '/v1/messages', SEND);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect((await h.api(t, 'GET', '/v1/api-keys')).status).toBe(403);
    // a client that may send, asking for read only
    const both = await newClient();
    const narrowed = await token({ grant_type: 'client_credentials', scope: 'messages:read' }, { basic: [both.clientId, both.clientSecret] });
    expect(narrowed.body.scope).toBe('messages:read');
    expect((await h.api(narrowed.body.access_token, 'POST', '/v1/messages', SEND)).status).toBe(403);
    // the caller's scopes bound what it grants: a reader key cannot make a sending client
    const readerKey = await h.api(adminKey, 'POST', '/v1/api-keys', { scopes: ['messages:read', 'admin'] });
    expect(readerKey.status).toBe(201);
    const noAdmin = await h.api(adminKey, 'POST', '/v1/api-keys', { scopes: ['messages:read'] });
    expect((await h.api(noAdmin.body.key, 'POST', '/v1/oauth-clients', { name: 'x' })).status).toBe(403);
  });

  it('refuses an expired token with 401 token_expired (the clock moves, nothing sleeps)', async () => {
    const t = await accessToken(await newClient());
    clock.advance(899_000);
    expect((await h.api(t, 'GET', '/v1/messages')).status).toBe(200);
    clock.advance(2_000);
    const expired = await h.api(t, 'GET', '/v1/messages');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('token_expired');
  });

  it('refuses a revoked client at once: its live token and new token requests', async () => {
    const c = await newClient();
    const t = await accessToken(c);
    expect((await h.api(t, 'GET', '/v1/messages')).status).toBe(200);
    expect((await h.api(adminKey, 'DELETE', `/v1/oauth-clients/${c.clientId}`)).status).toBe(204);
    expect((await h.api(t, 'GET', '/v1/messages')).status).toBe(401);
    const again = await token({ grant_type: 'client_credentials' }, { basic: [c.clientId, c.clientSecret] });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_client');
    // another tenant cannot see or revoke it
    const other = await h.admin('POST', '/admin/v1/tenants', { name: `other-${Date.now()}` });
    const mine = await newClient();
    expect((await h.api(other.body.apiKey.key, 'DELETE', `/v1/oauth-clients/${mine.clientId}`)).status).toBe(404);
    expect((await h.api(other.body.apiKey.key, 'GET', '/v1/oauth-clients')).body.data).toEqual([]);
  });

  it('rotates a client secret with an overlap window: both secrets work until it ends, then only the new one', async () => {
    const c = await newClient();
    const rotated = await h.api(adminKey, 'POST', `/v1/oauth-clients/${c.clientId}/rotate-secret`, { overlapSeconds: 60 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toEqual({ clientId: c.clientId, clientSecret: expect.stringMatching(/^wbcs_/), previousSecretExpiresAt: new Date(clock.now() + 60_000).toISOString() });
    const fresh = { clientId: c.clientId, clientSecret: rotated.body.clientSecret as string };
    await accessToken(c);
    await accessToken(fresh);
    clock.advance(61_000);
    const old = await token({ grant_type: 'client_credentials' }, { basic: [c.clientId, c.clientSecret] });
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    await accessToken(fresh);
  });

  it('rotates the signing key: old tokens stay valid until they expire, new ones carry the new kid, the JWKS lists both', async () => {
    const c = await newClient();
    const before = await fetch(`${h.url}/.well-known/jwks.json`).then((r) => r.json() as Promise<{ keys: any[] }>);
    expect(before.keys).toHaveLength(1);
    const oldToken = await accessToken(c);
    expect(kidOf(oldToken)).toBe(before.keys[0].kid);

    const rotation = await h.admin('POST', '/admin/v1/oauth/signing-keys/rotate');
    expect(rotation.status).toBe(201);
    expect(rotation.body.retired).toEqual([before.keys[0].kid]);
    const newToken = await accessToken(c);
    expect(kidOf(newToken)).toBe(rotation.body.kid);
    const both = await fetch(`${h.url}/.well-known/jwks.json`).then((r) => r.json() as Promise<{ keys: any[] }>);
    expect(both.keys.map((k) => k.kid)).toEqual([rotation.body.kid, before.keys[0].kid]);
    // anyone holding the JWKS verifies either token (Ed25519 over header.payload)
    for (const t of [oldToken, newToken]) {
      const jwk = both.keys.find((k) => k.kid === kidOf(t));
      const [hd, pl, sig] = t.split('.');
      expect(verify(null, Buffer.from(`${hd}.${pl}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(sig!, 'base64url'))).toBe(true);
    }
    expect((await h.api(oldToken, 'GET', '/v1/messages')).status).toBe(200);
    expect((await h.api(newToken, 'GET', '/v1/messages')).status).toBe(200);

    clock.advance(901_000); // every token of the old key has expired: it leaves the JWKS
    const after = await fetch(`${h.url}/.well-known/jwks.json`).then((r) => r.json() as Promise<{ keys: any[] }>);
    expect(after.keys.map((k) => k.kid)).toEqual([rotation.body.kid]);
    expect((await h.api(oldToken, 'GET', '/v1/messages')).status).toBe(401);
    expect((await h.api(await accessToken(c), 'GET', '/v1/messages')).status).toBe(200);
  });

  it('API keys: least-privilege default, scopes ⊆ the caller\'s, expiry answers 401 credential_expired, rotation with overlap, revocation', async () => {
    const byAdmin = await h.admin('POST', `/admin/v1/tenants/${tenantId}/api-keys`, {});
    expect(byAdmin.body.scopes).toEqual(['messages:send', 'messages:read']);
    const all = await h.admin('POST', `/admin/v1/tenants/${tenantId}/api-keys`, { scopes: ALL });
    expect(all.body.scopes).toEqual(ALL);

    const own = await h.api(adminKey, 'POST', '/v1/api-keys', { name: 'ci', expiresAt: new Date(clock.now() + 60_000).toISOString() });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ name: 'ci', scopes: ['messages:send', 'messages:read'], expiresAt: new Date(clock.now() + 60_000).toISOString() });
    expect((await h.api(own.body.key, 'GET', '/v1/messages')).status).toBe(200);
    const notAdmin = await h.api(adminKey, 'POST', '/v1/api-keys', { scopes: ['messages:read'] });
    expect((await h.api(notAdmin.body.key, 'POST', '/v1/api-keys', {})).status).toBe(403);
    const past = await h.api(adminKey, 'POST', '/v1/api-keys', { expiresAt: new Date(clock.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect((await h.api(adminKey, 'POST', '/v1/api-keys', { scopes: ['root'] })).status).toBe(400);

    const list = await h.api(adminKey, 'GET', '/v1/api-keys');
    expect(list.body.data).toContainEqual(expect.objectContaining({ id: own.body.id, name: 'ci', prefix: own.body.prefix, revokedAt: null }));
    expect(JSON.stringify(list.body)).not.toContain(own.body.key);

    clock.advance(61_000);
    const expired = await h.api(own.body.key, 'GET', '/v1/messages');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('credential_expired');

    const rotating = await h.api(adminKey, 'POST', '/v1/api-keys', { name: 'rotating', scopes: ['messages:read'] });
    const rotated = await h.api(adminKey, 'POST', `/v1/api-keys/${rotating.body.id}/rotate`, { overlapSeconds: 30 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'rotating', scopes: ['messages:read'], previousKeyExpiresAt: new Date(clock.now() + 30_000).toISOString() });
    expect((await h.api(rotating.body.key, 'GET', '/v1/messages')).status).toBe(200);
    expect((await h.api(rotated.body.key, 'GET', '/v1/messages')).status).toBe(200);
    clock.advance(31_000);
    expect((await h.api(rotating.body.key, 'GET', '/v1/messages')).body.error.code).toBe('credential_expired');
    expect((await h.api(rotated.body.key, 'GET', '/v1/messages')).status).toBe(200);

    const other = await h.admin('POST', '/admin/v1/tenants', { name: `keys-${Date.now()}` });
    expect((await h.api(other.body.apiKey.key, 'DELETE', `/v1/api-keys/${rotated.body.id}`)).status).toBe(404);
    expect((await h.api(adminKey, 'DELETE', `/v1/api-keys/${rotated.body.id}`)).status).toBe(204);
    expect((await h.api(rotated.body.key, 'GET', '/v1/messages')).status).toBe(401);
  });

  it('a third-party OAuth2 client library (simple-oauth2) obtains a token and calls GET /v1/messages with it', async () => {
    const c = await newClient(['messages:read']);
    const lib = new ClientCredentials({ client: { id: c.clientId, secret: c.clientSecret }, auth: { tokenHost: h.url, tokenPath: '/oauth/token' } });
    const at = await lib.getToken({ scope: 'messages:read' });
    expect(at.token.token_type).toBe('Bearer');
    expect(at.expired()).toBe(false);
    const res = await fetch(`${h.url}/v1/messages`, { headers: { authorization: `Bearer ${at.token.access_token as string}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], nextCursor: null });
    await expect(new ClientCredentials({ client: { id: c.clientId, secret: 'wbcs_wrong' }, auth: { tokenHost: h.url, tokenPath: '/oauth/token' } }).getToken({}))
      .rejects.toMatchObject({ output: { statusCode: 401 } });
  });
});
