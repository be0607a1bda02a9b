import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface MediaRow {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  direction: 'inbound' | 'outbound';
  mimeType: string;
  size: number;
  sha256: string;
  filename: string | null;
  storageKey: string;
  metaMediaId: string | null;
  wamid: string | null;
  createdAt: Date;
}

const COLUMNS = `id, tenant_id AS "tenantId", phone_number_id AS "phoneNumberId", direction, mime_type AS "mimeType", size::float8 AS size,
  sha256, filename, storage_key AS "storageKey", meta_media_id AS "metaMediaId", wamid, created_at AS "createdAt"`;

@Injectable()
export class MediaRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(m: MediaRow): Promise<void> {
    await this.ds.query(
      `INSERT INTO media (id, tenant_id, phone_number_id, direction, mime_type, size, sha256, filename, storage_key, meta_media_id, wamid, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [m.id, m.tenantId, m.phoneNumberId, m.direction, m.mimeType, m.size, m.sha256, m.filename, m.storageKey, m.metaMediaId, m.wamid, m.createdAt],
    );
  }

  async setMetaMediaId(id: string, metaMediaId: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE media SET meta_media_id = $2, meta_uploaded_at = $3 WHERE id = $1`, [id, metaMediaId, at]);
  }

  /** One tenant's media (another tenant's id is not found). */
  async find(tenantId: string, id: string): Promise<MediaRow | undefined> {
    const rows = await this.ds.query<MediaRow[]>(`SELECT ${COLUMNS} FROM media WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0];
  }

  /** Newest first, `limit` rows after the cursor (an id: ids are ULIDs, time-ordered). */
  async list(tenantId: string, filter: { phoneNumberId?: string; direction?: string; before?: string }, limit: number): Promise<MediaRow[]> {
    return this.ds.query<MediaRow[]>(
      `SELECT ${COLUMNS} FROM media WHERE tenant_id = $1 AND ($2::text IS NULL OR phone_number_id = $2) AND ($3::text IS NULL OR direction = $3)
         AND ($4::text IS NULL OR id < $4) ORDER BY id DESC LIMIT $5`,
      [tenantId, filter.phoneNumberId ?? null, filter.direction ?? null, filter.before ?? null, limit],
    );
  }

  /** Deletes one tenant's row; its storage key, or undefined when there was none. */
  async delete(tenantId: string, id: string): Promise<string | undefined> {
    const [rows] = await this.ds.query<[{ storage_key: string }[], number]>(`DELETE FROM media WHERE tenant_id = $1 AND id = $2 RETURNING storage_key`, [tenantId, id]);
    return rows[0]?.storage_key;
  }
}
