import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@wabridge/config';
import {
  ACCOUNT_EVENT_V1, APP_CHANGED_V1, dlqTopicFor, INBOUND_MESSAGE_V1, NUMBER_CHANGED_V1, STATUS_UPDATED_V1, topicName, WEBHOOK_RECEIVED_V1,
} from '@wabridge/contracts';
import { DatabaseLifecycle } from '@wabridge/database';
import { KAFKA_CLIENT, KafkaModule, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { Kafka } from 'kafkajs';
import { HealthRegistry, ObservabilityModule } from '@wabridge/telemetry';
import { APP_REGISTRY, LayeredAppRegistry } from './apps-registry/app-registry';
import { AppChangedConsumer, SECRET_BOX } from './apps-registry/app-changed.consumer';
import { NumberChangedConsumer } from './apps-registry/number-changed.consumer';
import { NUMBER_OWNERSHIP, NumberOwnership } from './apps-registry/number-ownership';
import { REGISTRY_CATCH_UP, RegistryCatchUp } from './apps-registry/registry-catch-up';
import { IngressEnv } from './ingress.env';
import { NormalizerConsumer } from './normalizer/normalizer.consumer';
import { INGRESS_OPTIONS, NormalizerService } from './normalizer/normalizer.service';
import { ProcessedEventsRepository } from './normalizer/processed-events.repository';
import { WebhookController } from './webhooks/webhook.controller';
import { WebhookIntakeService } from './webhooks/webhook-intake.service';

export const INGRESS_TOPICS = [WEBHOOK_RECEIVED_V1, INBOUND_MESSAGE_V1, STATUS_UPDATED_V1, ACCOUNT_EVENT_V1, APP_CHANGED_V1, NUMBER_CHANGED_V1];

@Module({})
export class IngressModule {
  static forRoot(env: IngressEnv, dataSource: DataSource): DynamicModule {
    return {
      module: IngressModule,
      imports: [
        // health and metrics never on the public port (ADR 0074)
        ObservabilityModule.forRoot({ serviceName: 'ingress', management: { port: env.MANAGEMENT_PORT, host: env.MANAGEMENT_HOST ?? env.HOST } }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'ingress'),
          producer: { sendTimeoutMs: env.PRODUCE_TIMEOUT_MS, lingerMs: 2 },
          topics: INGRESS_TOPICS,
          extraTopics: [dlqTopicFor(env.NORMALIZER_GROUP_ID)],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      controllers: [WebhookController, NormalizerConsumer, AppChangedConsumer, NumberChangedConsumer],
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: INGRESS_OPTIONS, useValue: { dedupeRetentionDays: env.DEDUPE_RETENTION_DAYS, topicSuffix: env.TOPIC_SUFFIX, groupId: env.NORMALIZER_GROUP_ID, unknownNumbers: env.UNKNOWN_NUMBER_POLICY } },
        { provide: NUMBER_OWNERSHIP, useValue: new NumberOwnership() },
        {
          provide: REGISTRY_CATCH_UP,
          inject: [KAFKA_CLIENT],
          useFactory: (kafka: Kafka) => new RegistryCatchUp(
            kafka, [APP_CHANGED_V1.topic, NUMBER_CHANGED_V1.topic].map((t) => topicName(t, env.TOPIC_SUFFIX || undefined)), env.REGISTRY_CATCH_UP_TIMEOUT_MS,
          ),
        },
        { provide: SECRET_BOX, useValue: env.ENCRYPTION_KEYS ? new SecretBox(env.ENCRYPTION_KEYS) : null },
        {
          provide: APP_REGISTRY,
          useValue: new LayeredAppRegistry({ appId: env.META_APP_ID, appSecret: env.META_APP_SECRET, verifyToken: env.META_VERIFY_TOKEN }),
        },
        { provide: ProcessedEventsRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ProcessedEventsRepository(ds) },
        WebhookIntakeService,
        NormalizerService,
        DatabaseLifecycle,
        {
          provide: 'INGRESS_READINESS',
          inject: [HealthRegistry, REGISTRY_CATCH_UP],
          useFactory: (health: HealthRegistry, catchUp: RegistryCatchUp) => {
            health.register('registry', async () => {
              if (!catchUp.caughtUp) throw new Error('app/number registry not read to its end yet');
            });
            return true;
          },
        },
      ],
    };
  }
}
