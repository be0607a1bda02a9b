import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import type { ContactTagsRequestedV1 } from '@wabridge/contracts';
import { counter } from '@wabridge/telemetry';
import { CLOCK, Clock } from '../common/clock';
import { ContactTagsRepository } from './contact-tags.repository';

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
    private readonly repo: ContactTagsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handleBatch(events: ContactTagsRequestedV1[]): Promise<void> {
    const now = new Date(this.clock.now());
    await this.ds.transaction(async (q) => {
      for (const e of events) {
        const outcome = await this.repo.addTags(q, {
          id: ulid(), tenantId: e.tenantId, phoneNumberId: e.phoneNumberId, waId: e.waId, userId: e.userId, tags: e.tags, at: now,
        });
        applied.inc({ outcome });
      }
    });
  }
}
