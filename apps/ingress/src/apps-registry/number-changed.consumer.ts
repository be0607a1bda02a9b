import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { NUMBER_OWNERSHIP, NumberOwnership } from './number-ownership';

/** Keeps which app owns which number/WABA equal to the compacted `wa.number.changed.v1` (ADR 0071). */
@Controller()
export class NumberChangedConsumer {
  constructor(@Inject(NUMBER_OWNERSHIP) private readonly ownership: NumberOwnership) {}

  @EventPattern(NUMBER_CHANGED_V1.topic)
  handle(@Payload() event: NumberChangedV1): void {
    // Only the ids are used: the sealed access token is never opened here.
    this.ownership.apply(event);
  }
}
