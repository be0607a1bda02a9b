import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@wabridge/config';
import {
  ACCOUNT_EVENT_V1, CONTACT_CHANGED_V1, dlqTopicFor, INBOUND_MESSAGE_V1, NUMBER_CHANGED_V1, OUTBOUND_EVENTS_V1, STATUS_UPDATED_V1,
} from '@wabridge/contracts';
import { DatabaseLifecycle } from '@wabridge/database';
import { kafkaConnectionFromEnv, KafkaModule } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { NotifierAuthGuard } from './common/notifier-auth.guard';
import { CLOCK, SECRET_BOX } from './common/tokens';
import { DeliveriesRepository } from './delivery/deliveries.repository';
import { DeliveryWorker } from './delivery/delivery.worker';
import { EndpointsController } from './endpoints/endpoints.controller';
import { EndpointsRepository } from './endpoints/endpoints.repository';
import { EndpointsService } from './endpoints/endpoints.service';
import { EventStore } from './events/event-store';
import { SourceConsumers } from './events/source.consumers';
import { SourceEventsService } from './events/source-events.service';
import { NotifierEnv } from './notifier.env';
import { NumbersRepository } from './numbers/numbers.repository';
import { RetentionService } from './retention.service';

/** Every topic the notifier consumes (one handler each in SourceConsumers). */
export const NOTIFIER_TOPICS = [INBOUND_MESSAGE_V1, STATUS_UPDATED_V1, OUTBOUND_EVENTS_V1, ACCOUNT_EVENT_V1, CONTACT_CHANGED_V1, NUMBER_CHANGED_V1];

@Module({})
export class NotifierModule {
  static forRoot(env: NotifierEnv, ds: DataSource, clock: Clock): DynamicModule {
    return {
      module: NotifierModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'notifier' }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'notifier'),
          topics: NOTIFIER_TOPICS,
          extraTopics: [dlqTopicFor(env.NOTIFIER_CONSUMER_GROUP)],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      controllers: [EndpointsController, SourceConsumers],
      providers: [
        { provide: NotifierEnv, useValue: env },
        { provide: DataSource, useValue: ds },
        { provide: CLOCK, useValue: clock },
        { provide: SECRET_BOX, useValue: new SecretBox(env.ENCRYPTION_KEYS) },
        DatabaseLifecycle,
        NotifierAuthGuard,
        NumbersRepository,
        EndpointsRepository,
        DeliveriesRepository,
        EventStore,
        DeliveryWorker,
        SourceEventsService,
        EndpointsService,
        RetentionService,
      ],
    };
  }
}
