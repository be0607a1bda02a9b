import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { KafkaEventContext } from '@wabridge/kafka';
import { NUMBER_OWNERSHIP, NumberOwnership } from './number-ownership';
import { REGISTRY_CATCH_UP, RegistryCatchUp } from './registry-catch-up';

/** Keeps which app owns which number/WABA equal to the compacted `wa.number.changed.v1` (ADR 0071). */
@Controller()
export class NumberChangedConsumer {
  constructor(
    @Inject(NUMBER_OWNERSHIP) private readonly ownership: NumberOwnership,
    @Inject(REGISTRY_CATCH_UP) private readonly catchUp: RegistryCatchUp,
  ) {}

  @EventPattern(NUMBER_CHANGED_V1.topic)
  handle(@Payload() event: NumberChangedV1, @Ctx() ctx: KafkaEventContext): void {
    // Only the ids are used: the sealed access token is never opened here.
    this.ownership.apply(event);
    this.catchUp.seen(ctx.meta.realTopic, ctx.meta.partition, ctx.meta.offset);
  }
}
