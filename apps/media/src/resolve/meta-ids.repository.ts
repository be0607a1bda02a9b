import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Queryable } from '@wabridge/database';

/** What a resolve needs of a stored object. */
export interface SendableMedia {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  direction: 'inbound' | 'outbound';
  mimeType: string;
  filename: string | null;
  storageKey: string;
  /** Bytes stored (the Graph upload streams exactly this many). */
  size: number;
  /** The row's own Meta id: the upload's (outbound), or the id Meta delivered (inbound). */
  metaMediaId: string | null;
  metaUploadedAt: Date | null;
}

export interface MetaUpload {
  metaMediaId: string;
  uploadedAt: Date;
}

const COLUMNS = `id, tenant_id AS "tenantId", phone_number_id AS "phoneNumberId", direction, mime_type AS "mimeType", filename, size::int AS size,
  storage_key AS "storageKey", meta_media_id AS "metaMediaId", meta_uploaded_at AS "metaUploadedAt"`;

/**
 * Meta ids of stored objects per sending number: the `media` row's own columns for the number
 * an outbound object was uploaded through, `media_meta_ids` for every other case (ADR 0110).
 */
@Injectable()
export class MetaIdsRepository {
  constructor(private readonly ds: DataSource) {}

  /** One tenant's object (another tenant's id is not found); `lock` takes its row lock (inside a transaction). */
  async find(q: Queryable, tenantId: string, id: string, lock = false): Promise<SendableMedia | undefined> {
    const rows = await q.query<SendableMedia[]>(`SELECT ${COLUMNS} FROM media WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
    return rows[0];
  }

  /** The Meta id obtained for the object on another number (or for an inbound object). */
  async findUpload(q: Queryable, tenantId: string, mediaId: string, phoneNumberId: string): Promise<MetaUpload | undefined> {
    const rows = await q.query<MetaUpload[]>(
      `SELECT meta_media_id AS "metaMediaId", uploaded_at AS "uploadedAt" FROM media_meta_ids WHERE tenant_id = $1 AND media_id = $2 AND phone_number_id = $3`,
      [tenantId, mediaId, phoneNumberId],
    );
    return rows[0];
  }

  async saveUpload(q: Queryable, tenantId: string, mediaId: string, phoneNumberId: string, upload: MetaUpload): Promise<void> {
    await q.query(
      `INSERT INTO media_meta_ids (tenant_id, media_id, phone_number_id, meta_media_id, uploaded_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (media_id, phone_number_id) DO UPDATE SET meta_media_id = EXCLUDED.meta_media_id, uploaded_at = EXCLUDED.uploaded_at`,
      [tenantId, mediaId, phoneNumberId, upload.metaMediaId, upload.uploadedAt],
    );
  }

  /** Replaces an outbound object's own Meta id (the one `GET /v1/media/:id` shows). */
  async saveOwn(q: Queryable, tenantId: string, mediaId: string, upload: MetaUpload): Promise<void> {
    await q.query(`UPDATE media SET meta_media_id = $3, meta_uploaded_at = $4 WHERE tenant_id = $1 AND id = $2 AND direction = 'outbound'`,
      [tenantId, mediaId, upload.metaMediaId, upload.uploadedAt]);
  }

  /** Statements outside a transaction. */
  asQueryable(): Queryable {
    return this.ds;
  }

  /** Runs `work` in a transaction (the row lock of `find(…, true)` lasts until it ends). */
  transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.ds.transaction((m) => work(m));
  }
}
