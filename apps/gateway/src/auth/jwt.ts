import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';

/**
 * Compact JWS with EdDSA (Ed25519) through node:crypto only (ADR 0160): no JOSE dependency,
 * one algorithm, so there is no `alg` negotiation to get wrong (`none`/HS256 confusion is
 * impossible: anything but `EdDSA` with a known `kid` is refused before the signature check).
 */
export const JWT_ALG = 'EdDSA';

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  /** Tenant id. */
  tid: string;
  /** Space-separated scopes (RFC 8693 / RFC 9068 style). */
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface GeneratedSigningKey {
  privatePem: string;
  publicJwk: Ed25519Jwk;
}

export function generateSigningKey(kid: string): GeneratedSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' },
  };
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function publicKeyFromJwk(jwk: Ed25519Jwk): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

export function signJwt(claims: AccessTokenClaims, kid: string, key: KeyObject): string {
  const input = `${b64({ alg: JWT_ALG, typ: 'at+jwt', kid })}.${b64(claims)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

export interface DecodedJwt {
  kid: string;
  claims: AccessTokenClaims;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS; undefined when it is not one of ours syntactically. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 4096) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as AccessTokenClaims;
    if (header.alg !== JWT_ALG || typeof header.kid !== 'string') return undefined;
    if (typeof claims !== 'object' || claims === null || typeof claims.sub !== 'string' || typeof claims.tid !== 'string'
      || typeof claims.scope !== 'string' || typeof claims.exp !== 'number') return undefined;
    return { kid: header.kid, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return undefined;
  }
}

export function signatureValid(decoded: DecodedJwt, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(decoded.signingInput), key, decoded.signature);
  } catch {
    return false;
  }
}
