import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import type { ContactTagsRequestedV1 } from '@wabridge/contracts';
import { counter } from '@wabridge/telemetry';
import { CLOCK, Clock } from '../common/clock';
import { MAX_TAGS } from '../contacts/tags';

const applied = counter<'outcome'>('contacts_tag_commands_total', 'Tag commands (automations): tagged (a contact gained a tag), unchanged (had them all), created (a contact not seen yet, made with its tags)', ['outcome']);

/**
 * Tag commands from other services (`wa.contact.tags.requested.v1`, the conversations service's
 * automations, ADR 0133): the tags are added to the contact of that number, which is created
 * when it is not known yet (the inbound message that triggered the rule may be folded here after
 * the command). A union, so a redelivery changes nothing; at most MAX_TAGS tags are kept.
 */
@Injectable()
export class TagCommandsService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handleBatch(events: ContactTagsRequestedV1[]): Promise<void> {
    const now = new Date(this.clock.now());
    await this.ds.transaction(async (q) => {
      for (const e of events) {
        const byWaId = e.waId !== undefined;
        // union, sorted, capped; written only when a tag is new (no churn on redelivery)
        const rows = await q.query<{ inserted: boolean }[]>(
          `INSERT INTO contacts (id, tenant_id, phone_number_id, wa_id, user_id, tags, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT DISTINCT t FROM unnest($6::text[]) AS t ORDER BY t LIMIT ${MAX_TAGS}), $7, $7)
           ON CONFLICT (tenant_id, phone_number_id, ${byWaId ? 'wa_id) WHERE wa_id IS NOT NULL' : 'user_id) WHERE user_id IS NOT NULL'} DO UPDATE SET
             tags = ARRAY(SELECT DISTINCT t FROM unnest(contacts.tags || EXCLUDED.tags) AS t ORDER BY t LIMIT ${MAX_TAGS}),
             updated_at = EXCLUDED.updated_at
           WHERE NOT (contacts.tags @> EXCLUDED.tags) AND cardinality(contacts.tags) < ${MAX_TAGS}
           RETURNING (xmax = 0) AS inserted`,
          // a contact made here by wa_id leaves user_id to the inbound merge (it may belong to another row yet)
          [ulid(), e.tenantId, e.phoneNumberId, e.waId ?? null, byWaId ? null : e.userId ?? null, e.tags, now],
        );
        applied.inc({ outcome: rows[0] === undefined ? 'unchanged' : rows[0].inserted ? 'created' : 'tagged' });
      }
    });
  }
}
