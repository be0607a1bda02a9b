import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoredObject } from '../retention/object-remover';

/** One contact of a tenant's number, as `wa.contact.erased.v1` names it (either id may be absent). */
export interface ContactRef {
  tenantId: string;
  phoneNumberId: string;
  waId: string | null;
  userId: string | null;
}

/** The inbound media of one contact (ADR 0113); every statement by tenant and number. */
@Injectable()
export class ErasureRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * The contact's fetch state (pending, failed, stored): once gone, a fetch in flight finds
   * nothing to mark stored and deletes the bytes it wrote (InboundMediaService.work).
   */
  async deleteStates(c: ContactRef): Promise<number> {
    const [, n] = await this.ds.query<[unknown[], number]>(
      `DELETE FROM inbound_media WHERE tenant_id = $1 AND phone_number_id = $2 AND (wa_id = $3 OR user_id = $4)`,
      [c.tenantId, c.phoneNumberId, c.waId, c.userId],
    );
    return n;
  }

  /** Up to `limit` of the contact's stored inbound objects. Uploads (outbound) are the tenant's own files and never match. */
  async objects(c: ContactRef, limit: number): Promise<StoredObject[]> {
    return this.ds.query<StoredObject[]>(
      `SELECT id, storage_key AS "storageKey", size::float8 AS size FROM media
       WHERE tenant_id = $1 AND phone_number_id = $2 AND direction = 'inbound' AND (wa_id = $3 OR user_id = $4)
       LIMIT $5`,
      [c.tenantId, c.phoneNumberId, c.waId, c.userId, limit],
    );
  }
}
