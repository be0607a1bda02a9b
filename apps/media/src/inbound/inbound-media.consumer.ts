import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INBOUND_MESSAGE_V1, InboundMessageV1 } from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { MediaEnv } from '../media.env';
import { InboundMediaService } from './inbound-media.service';

/**
 * `wa.inbound.message.v1` → inbound media fetched and stored. Failures of our own dependencies
 * (Postgres, Kafka) are thrown and waited out by the transport (ADR 0060); a fetch failure never
 * is: it is recorded on the object (pending with its next round, or failed) and the offset moves on.
 *
 * Fetches are independent of each other (no order to keep between two media objects), so the
 * messages of a batch are claimed together and fetched `MEDIA_INBOUND_CONCURRENCY` at a time;
 * the batch's offsets are committed when all of them are done. A redelivered batch is harmless:
 * each object is claimed once per tenant and Meta media id.
 */
@Controller()
export class InboundMediaConsumer {
  constructor(private readonly inbound: InboundMediaService, private readonly env: MediaEnv) {}

  @EventPattern(INBOUND_MESSAGE_V1.topic, { batch: true })
  onInbound(@Payload() batch: KafkaBatchItem<InboundMessageV1>[]): Promise<void> {
    return this.inbound.onInboundBatch(batch.map((item) => item.payload), this.env.MEDIA_INBOUND_CONCURRENCY);
  }
}
