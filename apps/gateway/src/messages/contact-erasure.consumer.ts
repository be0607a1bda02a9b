import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ApiExcludeController } from '@nestjs/swagger';
import { CONTACT_ERASED_V1, ContactErasedV1 } from '@wabridge/contracts';
import { MessagesRepository } from './messages.repository';

/**
 * GDPR erasure reaches the message projection (ADR 0075): the erased contact's messages lose
 * everything that names the user. Idempotent (a replay finds nothing left to scrub).
 */
@Controller()
@ApiExcludeController() // a Kafka consumer, no HTTP routes
export class ContactErasureConsumer {
  private readonly log = new Logger(ContactErasureConsumer.name);

  constructor(private readonly messages: MessagesRepository) {}

  @EventPattern(CONTACT_ERASED_V1.topic)
  async onErased(@Payload() ev: ContactErasedV1): Promise<void> {
    const recipients = [ev.waId, ev.userId].filter((r): r is string => !!r);
    const n = await this.messages.eraseRecipient(ev.tenantId, ev.phoneNumberId, recipients);
    if (n > 0) this.log.log(`erased contact ${ev.contactId}: ${n} messages scrubbed`);
  }
}
