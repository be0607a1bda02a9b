import { ApiExcludeController } from '@nestjs/swagger';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, OutboundEventV1, OutboundRequestedV1 } from '@wabridge/contracts';
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

  @EventPattern(OUTBOUND_EVENTS_V1.topic)
  onOutboundEvent(@Payload() event: OutboundEventV1): Promise<void> {
    return this.projection.applyOutboundEvent(event);
  }
}
