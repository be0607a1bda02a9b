import { apiKeyMatches, apiKeyPrefix, API_KEY_PATTERN, generateApiKey, hashApiKey } from './api-key';
import { bearerToken, hasScopes } from './api-auth.guard';
import { RateLimiter } from './rate-limiter';

describe('API keys', () => {
  it('generates high-entropy keys with a visible prefix and stores only their digest', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(API_KEY_PATTERN);
    expect(a.key).not.toBe(b.key);
    expect(apiKeyPrefix(a.key)).toBe(a.prefix);
    expect(a.hash.equals(hashApiKey(a.key))).toBe(true);
    expect(a.hash.toString('hex')).not.toContain(a.key);
  });

  it('matches only the exact key', () => {
    const { key, hash } = generateApiKey();
    expect(apiKeyMatches(key, hash)).toBe(true);
    expect(apiKeyMatches(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), hash)).toBe(false);
    expect(apiKeyMatches(key, Buffer.alloc(3))).toBe(false);
    expect(apiKeyPrefix('wbk_live_short_x')).toBeUndefined();
  });

  it('reads bearer tokens and treats admin as every scope', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    const p = { kind: 'api-key' as const, tenantId: 't', credentialId: 'k', scopes: ['messages:read' as const] };
    expect(hasScopes(p, ['messages:read'])).toBe(true);
    expect(hasScopes(p, ['messages:send'])).toBe(false);
    expect(hasScopes({ ...p, scopes: ['admin'] }, ['contacts', 'media'])).toBe(true);
  });
});

describe('RateLimiter', () => {
  it('allows the per-minute budget, then asks to wait, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter(60, { now: () => now });
    for (let i = 0; i < 60; i++) expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBe(1);
    expect(limiter.take('other')).toBe(0);
    now += 1000;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBeGreaterThan(0);
  });
});
