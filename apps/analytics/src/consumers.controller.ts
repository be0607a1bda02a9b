import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ACCOUNT_EVENT_V1, AccountEventV1, INBOUND_MESSAGE_V1, InboundMessageV1, NUMBER_CHANGED_V1, NumberChangedV1, OUTBOUND_EVENTS_V1,
  OUTBOUND_REQUESTED_V1, OutboundEventV1, OutboundRequestedV1, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { FoldService } from './fold/fold.service';
import { NumbersRepository } from './numbers/numbers.repository';

/**
 * Kafka edges: payloads arrive validated; each batch (one partition, offset order) is folded in
 * one transaction. A failing batch is retried, then its messages one by one (ADR 0025, 0060).
 */
@Controller()
export class AnalyticsConsumers {
  constructor(
    private readonly fold: FoldService,
    private readonly numbers: NumbersRepository,
  ) {}

  @EventPattern(OUTBOUND_EVENTS_V1.topic, { batch: true })
  onOutboundEvents(@Payload() items: KafkaBatchItem<OutboundEventV1>[]): Promise<void> {
    return this.fold.outboundEvents(items.map((i) => i.payload));
  }

  @EventPattern(OUTBOUND_REQUESTED_V1.topic, { batch: true })
  onOutboundRequested(@Payload() items: KafkaBatchItem<OutboundRequestedV1>[]): Promise<void> {
    return this.fold.outboundRequests(items.map((i) => i.payload));
  }

  @EventPattern(STATUS_UPDATED_V1.topic, { batch: true })
  onStatus(@Payload() items: KafkaBatchItem<StatusUpdatedV1>[]): Promise<void> {
    return this.fold.statuses(items.map((i) => i.payload));
  }

  @EventPattern(INBOUND_MESSAGE_V1.topic, { batch: true })
  onInbound(@Payload() items: KafkaBatchItem<InboundMessageV1>[]): Promise<void> {
    return this.fold.inbound(items.map((i) => i.payload));
  }

  @EventPattern(ACCOUNT_EVENT_V1.topic, { batch: true })
  onAccount(@Payload() items: KafkaBatchItem<AccountEventV1>[]): Promise<void> {
    return this.fold.accountEvents(items.map((i) => i.payload));
  }

  @EventPattern(NUMBER_CHANGED_V1.topic)
  onNumber(@Payload() event: NumberChangedV1): Promise<void> {
    return this.numbers.upsert(event);
  }
}
