import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  CONTACT_TAGS_REQUESTED_V1, ContactTagsRequestedV1, INBOUND_MESSAGE_V1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { InboundService } from './inbound/inbound.service';
import { NumberService } from './numbers/number.service';
import { StatusService } from './status/status.service';
import { TagCommandsService } from './tagging/tag-commands.service';

/** Kafka edges: payloads arrive validated; a thrown error is retried with backoff, then dead-lettered (batches: item by item). */
@Controller()
export class ContactsConsumers {
  constructor(
    private readonly inbound: InboundService,
    private readonly statuses: StatusService,
    private readonly numbers: NumberService,
    private readonly tags: TagCommandsService,
  ) {}

  /** Batches of one partition in offset order; a failing batch is retried, then its messages one by one (ADR 0025). */
  @EventPattern(INBOUND_MESSAGE_V1.topic, { batch: true })
  onInbound(@Payload() items: KafkaBatchItem<InboundMessageV1>[]): Promise<void> {
    return this.inbound.handleBatch(items.map((i) => i.payload));
  }

  @EventPattern(STATUS_UPDATED_V1.topic, { batch: true })
  onStatus(@Payload() items: KafkaBatchItem<StatusUpdatedV1>[]): Promise<void> {
    return this.statuses.handleBatch(items.map((i) => i.payload));
  }

  /** Tags asked for by the conversations service's automations (ADR 0133). */
  @EventPattern(CONTACT_TAGS_REQUESTED_V1.topic, { batch: true })
  onTags(@Payload() items: KafkaBatchItem<ContactTagsRequestedV1>[]): Promise<void> {
    return this.tags.handleBatch(items.map((i) => i.payload));
  }

  @EventPattern(NUMBER_CHANGED_V1.topic)
  onNumber(@Payload() event: NumberChangedV1): Promise<void> {
    return this.numbers.handle(event);
  }
}
