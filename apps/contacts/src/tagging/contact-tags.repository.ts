import { Injectable } from '@nestjs/common';
import type { Queryable } from '@wabridge/database';
import { MAX_TAGS } from '../contacts/tags';

/** What a tag command did to its contact. */
export type TagOutcome = 'created' | 'tagged' | 'unchanged';

/** One contact's tags to add, by wa_id or (without one) by BSUID. */
export interface TagAddition {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  waId?: string;
  userId?: string;
  tags: string[];
  at: Date;
}

/** The tag union written for tag commands (ADR 0133): SQL only, the service decides the rest. */
@Injectable()
export class ContactTagsRepository {
  /**
   * Adds the tags to the contact, creating it (with `id`) when it does not exist: union, sorted,
   * capped at MAX_TAGS, written only when a tag is new (no churn on redelivery).
   */
  async addTags(q: Queryable, t: TagAddition): Promise<TagOutcome> {
    const byWaId = t.waId !== undefined;
    const rows = await q.query<{ inserted: boolean }[]>(
      `INSERT INTO contacts (id, tenant_id, phone_number_id, wa_id, user_id, tags, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT DISTINCT t FROM unnest($6::text[]) AS t ORDER BY t LIMIT ${MAX_TAGS}), $7, $7)
       ON CONFLICT (tenant_id, phone_number_id, ${byWaId ? 'wa_id) WHERE wa_id IS NOT NULL' : 'user_id) WHERE user_id IS NOT NULL'} DO UPDATE SET
         tags = ARRAY(SELECT DISTINCT t FROM unnest(contacts.tags || EXCLUDED.tags) AS t ORDER BY t LIMIT ${MAX_TAGS}),
         updated_at = EXCLUDED.updated_at
       WHERE NOT (contacts.tags @> EXCLUDED.tags) AND cardinality(contacts.tags) < ${MAX_TAGS}
       RETURNING (xmax = 0) AS inserted`,
      // a contact made here by wa_id leaves user_id to the inbound merge (it may belong to another row yet)
      [t.id, t.tenantId, t.phoneNumberId, t.waId ?? null, byWaId ? null : t.userId ?? null, t.tags, t.at],
    );
    return rows[0] === undefined ? 'unchanged' : rows[0].inserted ? 'created' : 'tagged';
  }
}
