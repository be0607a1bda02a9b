import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { APP_CHANGED_V1, AppChangedV1 } from '@wabridge/contracts';
import { SecretBox } from '@wabridge/config';
import { KafkaEventContext, PoisonMessageError } from '@wabridge/kafka';
import { APP_REGISTRY, LayeredAppRegistry } from './app-registry';
import { REGISTRY_CATCH_UP, RegistryCatchUp } from './registry-catch-up';

export const SECRET_BOX = Symbol('SECRET_BOX');

/** Keeps the in-memory app registry equal to the compacted `wa.app.changed.v1` topic. */
@Controller()
export class AppChangedConsumer {
  private readonly log = new Logger(AppChangedConsumer.name);

  constructor(
    @Inject(APP_REGISTRY) private readonly registry: LayeredAppRegistry,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
    @Inject(REGISTRY_CATCH_UP) private readonly catchUp: RegistryCatchUp,
  ) {}

  @EventPattern(APP_CHANGED_V1.topic)
  handle(@Payload() event: AppChangedV1, @Ctx() ctx: KafkaEventContext): void {
    try {
      this.apply(event);
    } finally {
      // Read, applied or dead-lettered: either way the registry moved past it.
      this.catchUp.seen(ctx.meta.realTopic, ctx.meta.partition, ctx.meta.offset);
    }
  }

  private apply(event: AppChangedV1): void {
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
