import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  INBOUND_MESSAGE_V1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { InboundService } from './inbound/inbound.service';
import { NumberService } from './numbers/number.service';
import { StatusService } from './status/status.service';

/** Kafka edges: payloads arrive validated; a thrown error is retried with backoff, then dead-lettered. */
@Controller()
export class ContactsConsumers {
  constructor(
    private readonly inbound: InboundService,
    private readonly statuses: StatusService,
    private readonly numbers: NumberService,
  ) {}

  @EventPattern(INBOUND_MESSAGE_V1.topic)
  onInbound(@Payload() event: InboundMessageV1): Promise<void> {
    return this.inbound.handle(event);
  }

  @EventPattern(STATUS_UPDATED_V1.topic)
  onStatus(@Payload() event: StatusUpdatedV1): Promise<void> {
    return this.statuses.handle(event);
  }

  @EventPattern(NUMBER_CHANGED_V1.topic)
  onNumber(@Payload() event: NumberChangedV1): Promise<void> {
    return this.numbers.handle(event);
  }
}
