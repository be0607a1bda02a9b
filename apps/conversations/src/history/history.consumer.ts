import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  INBOUND_MESSAGE_V1, InboundMessageV1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventV1, OutboundRequestedV1,
  STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { HistoryService } from './history.service';

/**
 * Kafka edges: payloads arrive validated; each batch (one partition, offset order) is folded in
 * one transaction. A failing batch is retried, then its messages one by one (ADR 0025, 0060).
 */
@Controller()
export class HistoryConsumer {
  constructor(private readonly history: HistoryService) {}

  @EventPattern(INBOUND_MESSAGE_V1.topic, { batch: true })
  onInbound(@Payload() items: KafkaBatchItem<InboundMessageV1>[]): Promise<void> {
    return this.history.inbound(items.map((i) => i.payload));
  }

  @EventPattern(OUTBOUND_REQUESTED_V1.topic, { batch: true })
  onRequested(@Payload() items: KafkaBatchItem<OutboundRequestedV1>[]): Promise<void> {
    return this.history.outboundRequests(items.map((i) => i.payload));
  }

  @EventPattern(OUTBOUND_EVENTS_V1.topic, { batch: true })
  onOutboundEvents(@Payload() items: KafkaBatchItem<OutboundEventV1>[]): Promise<void> {
    return this.history.outboundEvents(items.map((i) => i.payload));
  }

  @EventPattern(STATUS_UPDATED_V1.topic, { batch: true })
  onStatus(@Payload() items: KafkaBatchItem<StatusUpdatedV1>[]): Promise<void> {
    return this.history.statuses(items.map((i) => i.payload));
  }
}
