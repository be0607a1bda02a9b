import { DataSource } from 'typeorm';
import { SealedColumnStore, SealedRow, SealedSecret } from '@wabridge/config';
import { secretAad } from './endpoint-secrets';

/**
 * The notifier's sealed columns: each webhook endpoint's signing secret and, during a rotation's
 * overlap, its previous one (both sealed with the endpoint id as AAD). `reseal` (ADR 0190)
 * re-seals them with the primary key.
 */
export class EndpointSecretColumn implements SealedColumnStore {
  readonly name: string;

  constructor(private readonly db: DataSource, private readonly column: 'secret' | 'previous_secret') {
    this.name = `endpoints.${column}`;
  }

  aad(endpointId: string): string {
    return secretAad(endpointId);
  }

  async listNotSealedWith(keyId: string, afterId: string | undefined, limit: number): Promise<SealedRow[]> {
    const rows: SealedRow[] = await this.db.query(
      `SELECT id, ${this.column} AS sealed FROM endpoints
       WHERE ${this.column} IS NOT NULL AND ${this.column}->>'keyId' IS DISTINCT FROM $1 ${afterId === undefined ? '' : 'AND id > $3'}
       ORDER BY id LIMIT $2`,
      afterId === undefined ? [keyId, limit] : [keyId, limit, afterId],
    );
    return rows;
  }

  /** One statement, guarded by the ciphertext it replaces: a secret rotated meanwhile stays. */
  async replaceIfUnchanged(id: string, expected: SealedSecret, next: SealedSecret): Promise<boolean> {
    const [row]: { n: number }[] = await this.db.query(
      `WITH u AS (UPDATE endpoints SET ${this.column} = $3::jsonb WHERE id = $1 AND ${this.column} = $2::jsonb RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [id, JSON.stringify(expected), JSON.stringify(next)],
    );
    return (row?.n ?? 0) === 1;
  }
}

export function endpointSecretColumns(db: DataSource): EndpointSecretColumn[] {
  return [new EndpointSecretColumn(db, 'secret'), new EndpointSecretColumn(db, 'previous_secret')];
}
