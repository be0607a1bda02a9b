import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { InboundMediaService } from './inbound-media.service';

/**
 * `wa.inbound.message.v1` → inbound media fetched and stored. Failures of our own dependencies
 * (Postgres, Kafka) are thrown and waited out by the transport (ADR 0060); a fetch failure never
 * is: it is recorded on the object (pending with its next round, or failed) and the offset moves on.
 */
@Controller()
export class InboundMediaConsumer {
  constructor(private readonly inbound: InboundMediaService) {}

  @EventPattern(INBOUND_MESSAGE_V1.topic)
  onInbound(@Payload() event: InboundMessageV1): Promise<void> {
    return this.inbound.onInbound(event);
  }
}
