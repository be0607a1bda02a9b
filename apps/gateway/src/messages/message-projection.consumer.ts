import { ApiExcludeController } from '@nestjs/swagger';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventV1, OutboundRequestedV1 } from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { MessageProjectionService } from './message-projection.service';

/** Kafka edge of the message projection (payloads arrive validated against their contracts). */
@Controller()
@ApiExcludeController() // a Kafka consumer, no HTTP routes
export class MessageProjectionConsumer {
  constructor(private readonly projection: MessageProjectionService) {}

  @EventPattern(OUTBOUND_REQUESTED_V1.topic)
  onOutboundRequest(@Payload() command: OutboundRequestedV1): Promise<void> {
    return this.projection.applyOutboundRequest(command);
  }

  /** A partition's batch in one transaction; a failing batch is retried, then its events one by one. */
  @EventPattern(OUTBOUND_EVENTS_V1.topic, { batch: true })
  onOutboundEvents(@Payload() items: KafkaBatchItem<OutboundEventV1>[]): Promise<void> {
    return this.projection.applyOutboundEvents(items.map((i) => i.payload));
  }
}
