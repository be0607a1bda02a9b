import { DataSource } from 'typeorm';
import { SealedColumnStore, SealedRow, SealedSecret } from '@wabridge/config';
import { dbAad } from '../accounts/registry.publisher';
import { signingKeyAad } from '../auth/signing-keys.service';
import { signupAad } from '../onboarding/embedded-signup.service';

/**
 * Every column where the gateway keeps a value sealed with ENCRYPTION_KEYS, with the AAD its
 * writer seals it with. A new sealed column must be added here, or `reseal` leaves it behind
 * and dropping the old key makes it unreadable (ADR 0190).
 */
export const GATEWAY_SEALED_COLUMNS = [
  { table: 'meta_apps', id: 'app_id', column: 'app_secret', aad: dbAad.appSecret },
  { table: 'meta_apps', id: 'app_id', column: 'verify_token', aad: dbAad.verifyToken },
  { table: 'phone_numbers', id: 'phone_number_id', column: 'access_token', aad: dbAad.accessToken },
  { table: 'oauth_signing_keys', id: 'kid', column: 'private_key', aad: signingKeyAad },
  { table: 'embedded_signups', id: 'id', column: 'business_token', aad: signupAad },
] as const;

export type SealedColumnSpec = (typeof GATEWAY_SEALED_COLUMNS)[number];

/**
 * SQL of one sealed column. Identifiers come from GATEWAY_SEALED_COLUMNS only, never from input.
 * Each write is one statement (its own short transaction) guarded by the ciphertext it replaces.
 */
export class SealedColumnRepository implements SealedColumnStore {
  readonly name: string;

  constructor(private readonly db: DataSource, private readonly spec: SealedColumnSpec) {
    this.name = `${spec.table}.${spec.column}`;
  }

  aad(id: string): string {
    return this.spec.aad(id);
  }

  async listNotSealedWith(keyId: string, afterId: string | undefined, limit: number): Promise<SealedRow[]> {
    const { table, id, column } = this.spec;
    const rows: { id: string; sealed: SealedSecret }[] = await this.db.query(
      `SELECT ${id} AS id, ${column} AS sealed FROM ${table}
       WHERE ${column} IS NOT NULL AND ${column}->>'keyId' IS DISTINCT FROM $1 ${afterId === undefined ? '' : `AND ${id} > $3`}
       ORDER BY ${id} LIMIT $2`,
      afterId === undefined ? [keyId, limit] : [keyId, limit, afterId],
    );
    return rows;
  }

  async replaceIfUnchanged(rowId: string, expected: SealedSecret, next: SealedSecret): Promise<boolean> {
    const { table, id, column } = this.spec;
    const [row]: { n: number }[] = await this.db.query(
      `WITH u AS (UPDATE ${table} SET ${column} = $3::jsonb WHERE ${id} = $1 AND ${column} = $2::jsonb RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [rowId, JSON.stringify(expected), JSON.stringify(next)],
    );
    return (row?.n ?? 0) === 1;
  }
}

export function gatewaySealedColumns(db: DataSource): SealedColumnRepository[] {
  return GATEWAY_SEALED_COLUMNS.map((spec) => new SealedColumnRepository(db, spec));
}

/** Apps and numbers the registry republish should reach (to report "published of total"). */
export async function countRegistryRows(db: DataSource): Promise<number> {
  const [row]: { n: number }[] = await db.query('SELECT (SELECT count(*) FROM meta_apps)::int + (SELECT count(*) FROM phone_numbers)::int AS n');
  return row?.n ?? 0;
}
