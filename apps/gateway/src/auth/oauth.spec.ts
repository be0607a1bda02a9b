import { decodeJwt, generateSigningKey, privateKeyFromPem, publicKeyFromJwk, signatureValid, signJwt } from './jwt';
import { basicCredentials } from './oauth.controller';
import { CLIENT_ID_PATTERN, CLIENT_SECRET_PATTERN, clientSecretMatches, generateClientId, generateClientSecret } from './oauth-client';
import { grantableScopes } from './oauth.service';
import { Principal } from './principal';

const claims = { iss: 'wabridge-gateway', sub: 'wbc_abcdefghijklmnop', tid: 'T1', scope: 'messages:read', iat: 1, exp: 2, jti: 'j' };

describe('OAuth access tokens (EdDSA JWT)', () => {
  it('signs and verifies with the key of its kid, and refuses another key or a changed payload', () => {
    const a = generateSigningKey('kid-a');
    const b = generateSigningKey('kid-b');
    const token = signJwt(claims, 'kid-a', privateKeyFromPem(a.privatePem));
    const decoded = decodeJwt(token)!;
    expect(decoded.kid).toBe('kid-a');
    expect(decoded.claims).toEqual(claims);
    expect(signatureValid(decoded, publicKeyFromJwk(a.publicJwk))).toBe(true);
    expect(signatureValid(decoded, publicKeyFromJwk(b.publicJwk))).toBe(false);
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url')}.${s}`;
    expect(signatureValid(decodeJwt(forged)!, publicKeyFromJwk(a.publicJwk))).toBe(false);
    expect(a.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: 'kid-a', alg: 'EdDSA', use: 'sig' });
  });

  it('refuses other algorithms, a missing kid and garbage before any signature check', () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    expect(decodeJwt(`${enc({ alg: 'none', kid: 'k' })}.${enc(claims)}.`)).toBeUndefined();
    expect(decodeJwt(`${enc({ alg: 'HS256', kid: 'k' })}.${enc(claims)}.abc`)).toBeUndefined();
    expect(decodeJwt(`${enc({ alg: 'EdDSA' })}.${enc(claims)}.abc`)).toBeUndefined();
    expect(decodeJwt('eyJ.not.json')).toBeUndefined();
    expect(decodeJwt('a.b')).toBeUndefined();
  });
});

describe('OAuth clients', () => {
  it('generates ids and 256-bit secrets and matches only the exact secret', () => {
    expect(generateClientId()).toMatch(CLIENT_ID_PATTERN);
    const { secret, hash } = generateClientSecret();
    expect(secret).toMatch(CLIENT_SECRET_PATTERN);
    expect(clientSecretMatches(secret, hash)).toBe(true);
    expect(clientSecretMatches(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'), hash)).toBe(false);
    expect(clientSecretMatches(secret, null)).toBe(false);
  });

  it('reads HTTP Basic client credentials (form-urlencoded id and secret)', () => {
    const header = `Basic ${Buffer.from('wbc_x:se%3Acret').toString('base64')}`;
    expect(basicCredentials(header)).toEqual({ id: 'wbc_x', secret: 'se:cret' });
    expect(basicCredentials('Bearer x')).toBeUndefined();
    expect(basicCredentials(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
  });

  it('grants by default messages only, and never scopes the caller lacks (admin grants any)', () => {
    const admin: Principal = { kind: 'api-key', tenantId: 't', credentialId: 'k', scopes: ['admin'] };
    const narrow: Principal = { ...admin, scopes: ['messages:read', 'contacts'] };
    expect(grantableScopes(admin, undefined)).toEqual(['messages:send', 'messages:read']);
    expect(grantableScopes(admin, ['media', 'media'])).toEqual(['media']);
    expect(grantableScopes(narrow, ['contacts'])).toEqual(['contacts']);
    expect(() => grantableScopes(narrow, ['media'])).toThrow(/media/);
    expect(() => grantableScopes(narrow, undefined)).toThrow(/messages:send/);
  });
});
