import { isSecretKey, REDACTED, redact, redactText } from './redact';

describe('redact', () => {
  it('replaces values under secret keys at any depth, whatever their case or separator', () => {
    const input = {
      headers: { authorization: 'Bearer wbk_live_abc_def', 'X-Hub-Signature-256': 'sha256=00' },
      number: { accessToken: 'EAAGm0PX4ZCpsBAKZAZ', app_secret: 'shh', pin: '123456' },
      endpoint: { id: 'ep1', secret: 'whsec_c2VjcmV0', url: 'https://example.com' },
      oauth: { clientSecret: 'wbcs_x', client_secret: 'wbcs_y', password: 'p' },
      list: [{ key: 'wbk_live_k_s' }],
    };
    const out = redact(input) as typeof input;
    expect(out.headers.authorization).toBe(REDACTED);
    expect(out.headers['X-Hub-Signature-256']).toBe(REDACTED);
    expect(out.number).toEqual({ accessToken: REDACTED, app_secret: REDACTED, pin: REDACTED });
    expect(out.endpoint).toEqual({ id: 'ep1', secret: REDACTED, url: 'https://example.com' });
    expect(out.oauth).toEqual({ clientSecret: REDACTED, client_secret: REDACTED, password: REDACTED });
    expect(out.list[0]!.key).toBe(REDACTED);
    // the input is not touched
    expect(input.endpoint.secret).toBe('whsec_c2VjcmV0');
  });

  it('cuts secret-looking text out of strings under innocent keys', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0In0.c2lnbmF0dXJl';
    const text = `failed with Bearer ${jwt} and whsec_AAAA/BBB= for wbk_live_abcdefghijkl_SECRETSECRET, token EAAB${'x'.repeat(30)} at /x?access_token=abc&y=1`;
    const out = redactText(text);
    expect(out).not.toMatch(/eyJ|whsec_AAAA|SECRETSECRET|EAAB|access_token=abc/);
    expect(out).toContain('Bearer [redacted]');
    expect(out).toContain('access_token=[redacted]&y=1');
    const pem = redactText('key: -----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY----- done');
    expect(pem).toBe('key: [redacted] done');
  });

  it('returns clean values unchanged (same object, no copy)', () => {
    const clean = { phoneNumberId: '123', to: '4917', type: 'text', text: { body: 'hello' }, tokenType: 'x' };
    expect(redact(clean)).toBe(clean);
    expect(redactText('hello world')).toBe('hello world');
  });

  it('survives cycles and buffers', () => {
    const a: Record<string, unknown> = { name: 'a', secret: 's' };
    a['self'] = a;
    a['bytes'] = Buffer.from('abc');
    const out = redact(a) as Record<string, unknown>;
    expect(out['secret']).toBe(REDACTED);
    expect(out['self']).toBe('[…]');
    expect(out['bytes']).toBe('[3 bytes]');
  });

  it('knows secret keys but not their look-alikes', () => {
    for (const k of ['accessToken', 'access_token', 'appSecret', 'clientSecret', 'Authorization', 'x-api-key', 'hub.verify_token', 'pin', 'secret', 'password', 'privateKey']) {
      expect(isSecretKey(k)).toBe(true);
    }
    for (const k of ['idempotencyKey', 'token_type', 'expires_in', 'prefix', 'tenantId', 'pinned', 'keys']) expect(isSecretKey(k)).toBe(false);
  });
});
