import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { ulid } from 'ulid';
import { SecretBox } from '@wabridge/config';
import { Queryable } from '@wabridge/database';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CLOCK, GATEWAY_ENV, SECRET_BOX } from '../tokens';
import { Ed25519Jwk, generateSigningKey, privateKeyFromPem, publicKeyFromJwk } from './jwt';
import { Clock } from './rate-limiter';
import { SigningKeyRow, SigningKeysRepository } from './signing-keys.repository';

/** AAD of a signing key's sealed private key (also what `reseal` opens it with). */
export const signingKeyAad = (kid: string): string => `gateway.oauth_signing_keys:${kid}:private_key`;
/** How long this instance trusts its view of a signing key (current one, retirement) before re-reading it. */
const CURRENT_KEY_TTL_MS = 30000;

/**
 * The OAuth access-token signing keys (ADR 0160). The newest unretired key signs; rotation adds a
 * key and retires the others, which stay in the JWKS (and keep verifying) until every token they
 * signed has expired (retired_at + token TTL). Private keys are sealed at rest like Meta secrets.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private current: { kid: string; key: KeyObject; readAt: number } | undefined;
  private readonly publicKeys = new Map<string, { key: KeyObject; retiredAt: number | null; readAt: number }>();

  constructor(
    private readonly repo: SigningKeysRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!(await this.repo.hasCurrent())) await this.insertKey();
  }

  /** The key new tokens are signed with. */
  async signingKey(): Promise<{ kid: string; key: KeyObject }> {
    const now = this.clock.now();
    if (this.current && now - this.current.readAt < CURRENT_KEY_TTL_MS) return this.current;
    const row = (await this.repo.newestCurrent()) ?? (await this.insertKey());
    this.current = { kid: row.kid, key: privateKeyFromPem(this.box.open(row.private_key, signingKeyAad(row.kid))), readAt: now };
    return this.current;
  }

  /** The public key of `kid` while it may still verify tokens (retired + token TTL), else undefined. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    const now = this.clock.now();
    let entry = this.publicKeys.get(kid);
    if (!entry || now - entry.readAt >= CURRENT_KEY_TTL_MS || now < entry.readAt) {
      // unknown here, or read a while ago (another instance may have retired it): re-read
      const row = await this.repo.find(kid);
      if (!row) return undefined;
      entry = { key: publicKeyFromJwk(row.public_jwk), retiredAt: row.retired_at?.getTime() ?? null, readAt: now };
      if (this.publicKeys.size > 1000) this.publicKeys.clear();
      this.publicKeys.set(kid, entry);
    }
    if (entry.retiredAt !== null && entry.retiredAt + this.env.OAUTH_TOKEN_TTL_SECONDS * 1000 < now) return undefined;
    return entry.key;
  }

  /** Public keys that can still verify a live token: the JWKS document. */
  async jwks(): Promise<{ keys: Ed25519Jwk[] }> {
    const oldest = new Date(this.clock.now() - this.env.OAUTH_TOKEN_TTL_SECONDS * 1000);
    const rows = await this.repo.publishable(oldest);
    return { keys: rows.map((r) => r.public_jwk) };
  }

  /** A new key signs from now on; the previous ones are retired (still published until their tokens expire). */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    return this.repo.transaction(async (m) => {
      const retired = await this.repo.retireCurrent(m, new Date(this.clock.now()));
      const row = await this.insertKey(m);
      this.current = undefined;
      for (const kid of retired) this.publicKeys.delete(kid);
      return { kid: row.kid, retired };
    });
  }

  /** `m`: the transaction's handle, or undefined outside one. */
  private async insertKey(m?: Queryable): Promise<SigningKeyRow> {
    const kid = ulid(this.clock.now());
    const { privatePem, publicJwk } = generateSigningKey(kid);
    const row: SigningKeyRow = { kid, private_key: this.box.seal(privatePem, signingKeyAad(kid)), public_jwk: publicJwk, created_at: new Date(this.clock.now()), retired_at: null };
    await this.repo.insert(row, m);
    return row;
  }
}
