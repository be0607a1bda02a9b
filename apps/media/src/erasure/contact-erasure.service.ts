import { Injectable, Logger } from '@nestjs/common';
import type { ContactErasedV1 } from '@wabridge/contracts';
import { counter } from '@wabridge/telemetry';
import { ObjectRemover } from '../retention/object-remover';
import { ErasureRepository } from './erasure.repository';

/** Objects removed per statement pair (bytes first, then rows). */
const CHUNK = 200;

const erased = counter<'what'>(
  'media_erasure_deleted_total',
  'Deleted for wa.contact.erased.v1: objects (inbound rows and bytes), states (inbound_media records)',
  ['what'],
);

/**
 * GDPR erasure of a contact's media (ADR 0113): every inbound object the contact sent to that
 * number of the tenant — bytes, `media` row, fetch state, per-number Meta ids — goes. Uploads
 * (outbound) are the tenant's own files and stay. Idempotent: a redelivery finds nothing left,
 * and a run cut short by a crash or a storage failure is finished by the redelivery.
 */
@Injectable()
export class ContactErasureService {
  private readonly log = new Logger('ContactErasure');

  constructor(
    private readonly repo: ErasureRepository,
    private readonly remover: ObjectRemover,
  ) {}

  async erase(ev: ContactErasedV1): Promise<{ objects: number; states: number }> {
    const contact = { tenantId: ev.tenantId, phoneNumberId: ev.phoneNumberId, waId: ev.waId ?? null, userId: ev.userId ?? null };
    if (!contact.waId && !contact.userId) {
      // nothing names the sender: no media can be matched (counted, logged, not retried)
      erased.inc({ what: 'unmatchable' });
      this.log.warn(`erasure of contact ${ev.contactId} (tenant ${ev.tenantId}) names neither waId nor userId: no media matched`);
      return { objects: 0, states: 0 };
    }
    // the states first: from then on no fetch in flight can add an object for this contact
    const states = await this.repo.deleteStates(contact);
    let objects = 0;
    for (;;) {
      const batch = await this.repo.objects(contact, CHUNK);
      if (batch.length === 0) break;
      objects += (await this.remover.remove(ev.tenantId, batch)).objects;
      if (batch.length < CHUNK) break;
    }
    erased.inc({ what: 'objects' }, objects);
    erased.inc({ what: 'states' }, states);
    if (objects + states > 0) this.log.log(`erased contact ${ev.contactId} (tenant ${ev.tenantId}): ${objects} inbound objects, ${states} fetch records`);
    return { objects, states };
  }
}
