import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONTACT_ERASED_V1, ContactErasedV1 } from '@wabridge/contracts';
import { ContactErasureService } from './contact-erasure.service';

/**
 * `wa.contact.erased.v1` → the contact's inbound media deleted (ADR 0075, 0113). A failure
 * (Postgres, storage) is thrown and retried by the transport; the work is idempotent.
 */
@Controller()
export class ContactErasureConsumer {
  constructor(private readonly erasure: ContactErasureService) {}

  @EventPattern(CONTACT_ERASED_V1.topic)
  async onErased(@Payload() event: ContactErasedV1): Promise<void> {
    await this.erasure.erase(event);
  }
}
