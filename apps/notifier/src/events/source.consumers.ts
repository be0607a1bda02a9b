import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ACCOUNT_EVENT_V1, AccountEventV1, CONTACT_CHANGED_V1, ContactChangedV1, HEADER, INBOUND_MESSAGE_V1, InboundMessageV1, NUMBER_CHANGED_V1,
  NumberChangedV1, OUTBOUND_EVENTS_V1, OutboundEventV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { SourceEventsService, SourceItem } from './source-events.service';

function items<T extends object>(batch: KafkaBatchItem<T>[]): SourceItem<T>[] {
  return batch.map((i) => ({ payload: i.payload, headerTenant: i.meta.headers[HEADER.tenantId] || undefined }));
}

/** Kafka edges: batches of one partition in offset order, validated by the transport; one transaction per batch. */
@Controller()
export class SourceConsumers {
  constructor(private readonly events: SourceEventsService) {}

  @EventPattern(INBOUND_MESSAGE_V1.topic, { batch: true })
  onInbound(@Payload() batch: KafkaBatchItem<InboundMessageV1>[]): Promise<void> {
    return this.events.handle(INBOUND_MESSAGE_V1.topic, items(batch));
  }

  @EventPattern(STATUS_UPDATED_V1.topic, { batch: true })
  onStatus(@Payload() batch: KafkaBatchItem<StatusUpdatedV1>[]): Promise<void> {
    return this.events.handle(STATUS_UPDATED_V1.topic, items(batch));
  }

  @EventPattern(OUTBOUND_EVENTS_V1.topic, { batch: true })
  onOutbound(@Payload() batch: KafkaBatchItem<OutboundEventV1>[]): Promise<void> {
    return this.events.handle(OUTBOUND_EVENTS_V1.topic, items(batch));
  }

  @EventPattern(ACCOUNT_EVENT_V1.topic, { batch: true })
  onAccount(@Payload() batch: KafkaBatchItem<AccountEventV1>[]): Promise<void> {
    return this.events.handle(ACCOUNT_EVENT_V1.topic, items(batch));
  }

  @EventPattern(CONTACT_CHANGED_V1.topic, { batch: true })
  onContact(@Payload() batch: KafkaBatchItem<ContactChangedV1>[]): Promise<void> {
    return this.events.handle(CONTACT_CHANGED_V1.topic, items(batch));
  }

  @EventPattern(NUMBER_CHANGED_V1.topic)
  onNumber(@Payload() event: NumberChangedV1): Promise<void> {
    return this.events.onNumber(event);
  }
}
