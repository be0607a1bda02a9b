import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SealedSecret } from '@wabridge/config';
import { Queryable, returnedRows } from '@wabridge/database';
import { DATA_SOURCE } from '../tokens';
import { Ed25519Jwk } from './jwt';

export interface SigningKeyRow {
  kid: string;
  private_key: SealedSecret;
  public_jwk: Ed25519Jwk;
  created_at: Date;
  retired_at: Date | null;
}

/** SQL of the OAuth token signing keys (ADR 0160, 0188). Not tenant-owned: one key set for the gateway. */
@Injectable()
export class SigningKeysRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async hasCurrent(): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM oauth_signing_keys WHERE retired_at IS NULL LIMIT 1');
    return rows.length > 0;
  }

  /** The newest unretired key. */
  async newestCurrent(): Promise<SigningKeyRow | null> {
    const rows: SigningKeyRow[] = await this.db.query('SELECT * FROM oauth_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid DESC LIMIT 1');
    return rows[0] ?? null;
  }

  async find(kid: string): Promise<SigningKeyRow | null> {
    const rows: SigningKeyRow[] = await this.db.query('SELECT * FROM oauth_signing_keys WHERE kid = $1', [kid]);
    return rows[0] ?? null;
  }

  /** Public keys unretired or retired at `retiredSince` or later, newest first. */
  publishable(retiredSince: Date): Promise<Pick<SigningKeyRow, 'kid' | 'public_jwk'>[]> {
    return this.db.query(
      'SELECT kid, public_jwk FROM oauth_signing_keys WHERE retired_at IS NULL OR retired_at >= $1 ORDER BY created_at DESC, kid DESC',
      [retiredSince],
    );
  }

  /** Retires every current key at `at`; the kids retired. */
  async retireCurrent(m: Queryable, at: Date): Promise<string[]> {
    const rows = returnedRows<{ kid: string }>(await m.query('UPDATE oauth_signing_keys SET retired_at = $1 WHERE retired_at IS NULL RETURNING kid', [at]));
    return rows.map((r) => r.kid);
  }

  /** Stores a key (private part already sealed); `q` is the transaction's handle when it runs inside one. */
  async insert(k: Omit<SigningKeyRow, 'retired_at'>, q: Queryable = this.db): Promise<void> {
    await q.query('INSERT INTO oauth_signing_keys (kid, private_key, public_jwk, created_at) VALUES ($1, $2, $3, $4)', [
      k.kid, JSON.stringify(k.private_key), JSON.stringify(k.public_jwk), k.created_at,
    ]);
  }
}
