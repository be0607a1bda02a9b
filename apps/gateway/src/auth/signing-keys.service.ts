import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { SealedSecret, SecretBox } from '@wabridge/config';
import { returnedRows } from '@wabridge/database';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { CLOCK, DATA_SOURCE, GATEWAY_ENV, SECRET_BOX } from '../tokens';
import { Ed25519Jwk, generateSigningKey, privateKeyFromPem, publicKeyFromJwk } from './jwt';
import { Clock } from './rate-limiter';

interface KeyRow {
  kid: string;
  private_key: SealedSecret;
  public_jwk: Ed25519Jwk;
  created_at: Date;
  retired_at: Date | null;
}

const aad = (kid: string): string => `gateway.oauth_signing_keys:${kid}:private_key`;
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
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM oauth_signing_keys WHERE retired_at IS NULL LIMIT 1');
    if (rows.length === 0) await this.insertKey();
  }

  /** The key new tokens are signed with. */
  async signingKey(): Promise<{ kid: string; key: KeyObject }> {
    const now = this.clock.now();
    if (this.current && now - this.current.readAt < CURRENT_KEY_TTL_MS) return this.current;
    const rows: KeyRow[] = await this.db.query('SELECT * FROM oauth_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid DESC LIMIT 1');
    const row = rows[0] ?? (await this.insertKey());
    this.current = { kid: row.kid, key: privateKeyFromPem(this.box.open(row.private_key, aad(row.kid))), readAt: now };
    return this.current;
  }

  /** The public key of `kid` while it may still verify tokens (retired + token TTL), else undefined. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    const now = this.clock.now();
    let entry = this.publicKeys.get(kid);
    if (!entry || now - entry.readAt >= CURRENT_KEY_TTL_MS || now < entry.readAt) {
      // unknown here, or read a while ago (another instance may have retired it): re-read
      const rows: KeyRow[] = await this.db.query('SELECT * FROM oauth_signing_keys WHERE kid = $1', [kid]);
      const row = rows[0];
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
    const rows: KeyRow[] = await this.db.query(
      'SELECT kid, public_jwk FROM oauth_signing_keys WHERE retired_at IS NULL OR retired_at >= $1 ORDER BY created_at DESC, kid DESC',
      [oldest],
    );
    return { keys: rows.map((r) => r.public_jwk) };
  }

  /** A new key signs from now on; the previous ones are retired (still published until their tokens expire). */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    return this.db.transaction(async (m) => {
      const now = new Date(this.clock.now());
      const retired = returnedRows<{ kid: string }>(await m.query('UPDATE oauth_signing_keys SET retired_at = $1 WHERE retired_at IS NULL RETURNING kid', [now]));
      const row = await this.insertKey(m.query.bind(m));
      this.current = undefined;
      for (const r of retired) this.publicKeys.delete(r.kid);
      return { kid: row.kid, retired: retired.map((r) => r.kid) };
    });
  }

  private async insertKey(query: (sql: string, params: unknown[]) => Promise<unknown> = this.db.query.bind(this.db)): Promise<KeyRow> {
    const kid = ulid(this.clock.now());
    const { privatePem, publicJwk } = generateSigningKey(kid);
    const sealed = this.box.seal(privatePem, aad(kid));
    const createdAt = new Date(this.clock.now());
    await query('INSERT INTO oauth_signing_keys (kid, private_key, public_jwk, created_at) VALUES ($1, $2, $3, $4)', [kid, JSON.stringify(sealed), JSON.stringify(publicJwk), createdAt]);
    return { kid, private_key: sealed, public_jwk: publicJwk, created_at: createdAt, retired_at: null };
  }
}
