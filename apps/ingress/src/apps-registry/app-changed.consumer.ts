import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { APP_CHANGED_V1, AppChangedV1 } from '@wabridge/contracts';
import { SecretBox } from '@wabridge/config';
import { PoisonMessageError } from '@wabridge/kafka';
import { APP_REGISTRY, LayeredAppRegistry } from './app-registry';

export const SECRET_BOX = Symbol('SECRET_BOX');

/** Keeps the in-memory app registry equal to the compacted `wa.app.changed.v1` topic. */
@Controller()
export class AppChangedConsumer {
  private readonly log = new Logger(AppChangedConsumer.name);

  constructor(
    @Inject(APP_REGISTRY) private readonly registry: LayeredAppRegistry,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
  ) {}

  @EventPattern(APP_CHANGED_V1.topic)
  handle(@Payload() event: AppChangedV1): void {
    if (event.deleted) {
      this.registry.remove(event.appId);
      return;
    }
    if (!this.box) {
      this.log.warn(`app ${event.appId} published but ENCRYPTION_KEYS is not set; ignoring it`);
      return;
    }
    try {
      this.registry.upsert({
        appId: event.appId,
        appSecret: this.box.open(event.appSecret, `app:${event.appId}`),
        verifyToken: this.box.open(event.verifyToken, `app:${event.appId}`),
      });
    } catch (err) {
      throw new PoisonMessageError(`cannot open secrets of app ${event.appId}: ${(err as Error).message}`);
    }
  }
}
