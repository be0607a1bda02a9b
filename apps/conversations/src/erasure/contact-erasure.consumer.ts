import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONTACT_ERASED_V1, ContactErasedV1 } from '@wabridge/contracts';
import { counter } from '@wabridge/telemetry';
import { ConversationsEnv } from '../conversations.env';
import { ErasureRepository } from './erasure.repository';

const erased = counter<'what'>('conversations_erasure_deleted_total', 'Deleted for wa.contact.erased.v1: conversations, messages; unmatchable = an event naming neither id', ['what']);

/**
 * `wa.contact.erased.v1` → the contact's conversations on that number and every message in them,
 * both directions (ADR 0075, 0132). Idempotent: a redelivery finds nothing left, a run cut short
 * is finished by the retry. A failure (Postgres) is thrown and retried by the transport.
 */
@Controller()
export class ContactErasureConsumer {
  private readonly log = new Logger('ContactErasure');

  constructor(
    private readonly repo: ErasureRepository,
    private readonly env: ConversationsEnv,
  ) {}

  @EventPattern(CONTACT_ERASED_V1.topic)
  async onErased(@Payload() ev: ContactErasedV1): Promise<void> {
    const contact = { tenantId: ev.tenantId, phoneNumberId: ev.phoneNumberId, waId: ev.waId ?? null, userId: ev.userId ?? null };
    if (!contact.waId && !contact.userId) {
      erased.inc({ what: 'unmatchable' });
      this.log.warn(`erasure of contact ${ev.contactId} (tenant ${ev.tenantId}) names neither waId nor userId: no conversation matched`);
      return;
    }
    let messages = 0;
    const ids = await this.repo.conversations(contact);
    for (const id of ids) messages += await this.repo.deleteConversation(ev.tenantId, id, this.env.CONVERSATIONS_DELETE_CHUNK_ROWS);
    erased.inc({ what: 'conversations' }, ids.length);
    erased.inc({ what: 'messages' }, messages);
    if (ids.length > 0) this.log.log(`erased contact ${ev.contactId} (tenant ${ev.tenantId}): ${ids.length} conversations, ${messages} messages`);
  }
}
