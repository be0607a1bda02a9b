import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { NumbersRepository } from './numbers/numbers.repository';

/** Kafka edges: payloads arrive validated; a thrown error is retried with backoff (infrastructure) or dead-lettered (poison). */
@Controller()
export class MediaConsumers {
  constructor(private readonly numbers: NumbersRepository) {}

  @EventPattern(NUMBER_CHANGED_V1.topic)
  onNumber(@Payload() event: NumberChangedV1): Promise<void> {
    return this.numbers.upsert(event);
  }
}
