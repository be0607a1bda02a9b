import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ApiExcludeController } from '@nestjs/swagger';
import { CONTACT_ERASED_V1, ContactErasedV1 } from '@wabridge/contracts';
import { RequestLogRepository } from '../request-log/request-log.repository';
import { RequestLogWriter } from '../request-log/request-log.writer';
import { MessagesRepository } from './messages.repository';

/**
 * GDPR erasure reaches the message projection (ADR 0075): the erased contact's messages lose
 * everything that names the user, and the request log (ADR 0180) its calls that name them.
 * Idempotent (a replay finds nothing left to scrub).
 */
@Controller()
@ApiExcludeController() // a Kafka consumer, no HTTP routes
export class ContactErasureConsumer {
  private readonly log = new Logger(ContactErasureConsumer.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly requestLogs: RequestLogRepository,
    private readonly requestLogWriter: RequestLogWriter,
  ) {}

  @EventPattern(CONTACT_ERASED_V1.topic)
  async onErased(@Payload() ev: ContactErasedV1): Promise<void> {
    const recipients = [ev.waId, ev.userId].filter((r): r is string => !!r);
    const n = await this.messages.eraseRecipient(ev.tenantId, ev.phoneNumberId, recipients);
    await this.requestLogWriter.flush(); // calls still queued are written first, then erased with the rest
    const calls = await this.requestLogs.eraseMentions(ev.tenantId, recipients);
    if (n + calls > 0) this.log.log(`erased contact ${ev.contactId}: ${n} messages scrubbed, ${calls} request log rows deleted`);
  }
}
