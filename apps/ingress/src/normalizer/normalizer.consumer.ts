import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { WEBHOOK_RECEIVED_V1, WebhookReceivedV1 } from '@wabridge/contracts';
import { KafkaEventContext } from '@wabridge/kafka';
import { NormalizerService } from './normalizer.service';

@Controller()
export class NormalizerConsumer {
  constructor(private readonly normalizer: NormalizerService) {}

  @EventPattern(WEBHOOK_RECEIVED_V1.topic)
  handle(@Payload() event: WebhookReceivedV1, @Ctx() ctx: KafkaEventContext): Promise<void> {
    return this.normalizer.handle(event, ctx.meta);
  }
}
