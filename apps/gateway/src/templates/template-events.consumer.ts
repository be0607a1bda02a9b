import { ApiExcludeController } from '@nestjs/swagger';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ACCOUNT_EVENT_V1, AccountEventV1 } from '@wabridge/contracts';
import { TemplatesService } from './templates.service';

/** Keeps mirrored templates' status/category current (other account events are not ours). */
@Controller()
@ApiExcludeController() // a Kafka consumer, no HTTP routes
export class TemplateEventsConsumer {
  constructor(private readonly templates: TemplatesService) {}

  @EventPattern(ACCOUNT_EVENT_V1.topic)
  onAccountEvent(@Payload() event: AccountEventV1): Promise<void> {
    return this.templates.applyAccountEvent(event);
  }
}
