import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks, returnedRows, rowCountRunner, type TenantRetention } from '@wabridge/database';

/** One stored object to remove. */
export interface StoredObject {
  id: string;
  storageKey: string;
  size: number;
}

/**
 * The SQL of the retention prune and of removing stored objects' rows (ADR 0112); every statement
 * but the tenant list is per tenant.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Every tenant holding media or inbound fetch state, with its setting. The one statement across
   * tenants: a skip scan over the indexes that lead with `tenant_id` (one index probe per
   * tenant, not a scan of every row).
   */
  async tenants(): Promise<TenantRetention[]> {
    return this.ds.query<TenantRetention[]>(
      `WITH RECURSIVE m AS (
         (SELECT tenant_id FROM media ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT tenant_id FROM media WHERE tenant_id > m.tenant_id ORDER BY tenant_id LIMIT 1) FROM m WHERE m.tenant_id IS NOT NULL
       ), i AS (
         (SELECT tenant_id FROM inbound_media ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT tenant_id FROM inbound_media WHERE tenant_id > i.tenant_id ORDER BY tenant_id LIMIT 1) FROM i WHERE i.tenant_id IS NOT NULL
       ), t AS (
         SELECT tenant_id FROM m WHERE tenant_id IS NOT NULL UNION SELECT tenant_id FROM i WHERE tenant_id IS NOT NULL
       )
       SELECT t.tenant_id AS "tenantId", s.retention_days AS "retentionDays"
       FROM t LEFT JOIN tenant_settings s ON s.tenant_id = t.tenant_id
       ORDER BY t.tenant_id`,
    );
  }

  /** Up to `limit` of the tenant's objects (both directions) stored before `before`, oldest first. */
  async expired(tenantId: string, before: Date, limit: number): Promise<StoredObject[]> {
    return this.ds.query<StoredObject[]>(
      `SELECT id, storage_key AS "storageKey", size::float8 AS size FROM media
       WHERE tenant_id = $1 AND created_at < $2 ORDER BY created_at LIMIT $3`,
      [tenantId, before, limit],
    );
  }

  /** Inbound objects that failed for good (no bytes, only the record of why), first seen before `before`. */
  async pruneFailed(tenantId: string, before: Date, chunk: number): Promise<number> {
    return deleteInChunks(rowCountRunner(this.ds), 'inbound_media', `tenant_id = $1 AND status = 'failed' AND created_at < $2`, [tenantId, before], chunk);
  }

  /**
   * Deletes the objects' rows — `media`, its `inbound_media` state, and by cascade its
   * `media_meta_ids` — in one transaction; answers the `media` rows that went.
   */
  async removeObjects(tenantId: string, ids: string[]): Promise<{ id: string; size: number }[]> {
    return this.ds.transaction(async (tx) => {
      await tx.query(`DELETE FROM inbound_media WHERE tenant_id = $1 AND id = ANY($2::text[])`, [tenantId, ids]);
      return returnedRows<{ id: string; size: number }>(await tx.query(
        `DELETE FROM media WHERE tenant_id = $1 AND id = ANY($2::text[]) RETURNING id, size::float8 AS size`,
        [tenantId, ids],
      ));
    });
  }
}
