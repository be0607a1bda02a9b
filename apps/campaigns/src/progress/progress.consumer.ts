import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NUMBER_CHANGED_V1, NumberChangedV1, OUTBOUND_EVENTS_V1, OutboundEventV1 } from '@wabridge/contracts';
import { KafkaBatchItem } from '@wabridge/kafka';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { NumbersRepository } from '../numbers/numbers.repository';
import { recipientStep, RecipientStep } from './progress';

/**
 * Kafka edges: the dispatcher's lifecycle events fold into the recipients' statuses (progress,
 * ADR 0154); the numbers' limits come from wa.number.changed.v1. Both idempotent.
 */
@Controller()
export class ProgressConsumer {
  constructor(private readonly campaigns: CampaignsRepository, private readonly numbers: NumbersRepository) {}

  @EventPattern(OUTBOUND_EVENTS_V1.topic, { batch: true })
  async onOutboundEvents(@Payload() items: KafkaBatchItem<OutboundEventV1>[]): Promise<void> {
    const steps = items.map((i) => recipientStep(i.payload)).filter((s): s is RecipientStep => s !== null);
    await this.campaigns.applySteps(steps);
  }

  @EventPattern(NUMBER_CHANGED_V1.topic)
  onNumber(@Payload() e: NumberChangedV1): Promise<void> {
    return this.numbers.apply(e);
  }
}
