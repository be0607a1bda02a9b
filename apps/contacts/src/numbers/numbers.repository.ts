import { Injectable } from '@nestjs/common';
import type { Queryable } from '@wabridge/database';

/**
 * phone_number_id → tenant, learned from the compacted `wa.number.changed.v1` (the gateway owns
 * numbers). Positive answers are cached briefly: every instance reads the shared table, since
 * each one consumes only some partitions of the number topic.
 */
@Injectable()
export class NumbersRepository {
  private readonly cache = new Map<string, { tenantId: string; until: number }>();
  private static readonly TTL_MS = 30_000;

  async tenantOf(q: Queryable, phoneNumberId: string, useCache = true): Promise<string | undefined> {
    const hit = this.cache.get(phoneNumberId);
    if (useCache && hit && hit.until > Date.now()) return hit.tenantId;
    const rows = await q.query<{ tenant_id: string }[]>('SELECT tenant_id FROM numbers WHERE phone_number_id = $1', [phoneNumberId]);
    const tenantId = rows[0]?.tenant_id;
    if (tenantId) this.cache.set(phoneNumberId, { tenantId, until: Date.now() + NumbersRepository.TTL_MS });
    return tenantId;
  }

  /**
   * Serializes "check, then park" against "learn, then replay" for one number (ADR 0020): a
   * transaction-scoped advisory lock, so `q` must be a transaction's handle.
   */
  async lock(q: Queryable, phoneNumberId: string): Promise<void> {
    await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`number:${phoneNumberId}`]);
  }

  /** Applies a number event unless an event with a higher revision was applied already. */
  async upsert(q: Queryable, n: { phoneNumberId: string; tenantId: string; deleted: boolean; revision: number; updatedAt: Date }): Promise<boolean> {
    const rows = await q.query<unknown[]>(
      `INSERT INTO numbers (phone_number_id, tenant_id, deleted, revision, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (phone_number_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, deleted = EXCLUDED.deleted,
         revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at
       WHERE numbers.revision <= EXCLUDED.revision
       RETURNING phone_number_id`,
      [n.phoneNumberId, n.tenantId, n.deleted, n.revision, n.updatedAt],
    );
    this.cache.delete(n.phoneNumberId);
    return rows.length > 0;
  }

  /** The tenant that owns the number, if it is known (import rows for another tenant's number are refused). */
  async ownerOf(q: Queryable, phoneNumberIds: string[]): Promise<Map<string, string>> {
    const rows = await q.query<{ phone_number_id: string; tenant_id: string }[]>(
      'SELECT phone_number_id, tenant_id FROM numbers WHERE phone_number_id = ANY($1::text[])', [phoneNumberIds],
    );
    return new Map(rows.map((r) => [r.phone_number_id, r.tenant_id]));
  }
}
