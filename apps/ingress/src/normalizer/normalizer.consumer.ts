import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { WEBHOOK_RECEIVED_V1, WebhookReceivedV1 } from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { NormalizerService } from './normalizer.service';

@Controller()
export class NormalizerConsumer {
  constructor(private readonly normalizer: NormalizerService) {}

  /** Batch mode: one transaction per consumed batch instead of per webhook. */
  @EventPattern(WEBHOOK_RECEIVED_V1.topic, { batch: true })
  handle(@Payload() items: KafkaBatchItem<WebhookReceivedV1>[]): Promise<void> {
    return this.normalizer.handleBatch(items);
  }
}
