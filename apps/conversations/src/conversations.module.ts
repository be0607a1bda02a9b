import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CONTACT_ERASED_V1, CONTACT_TAGS_REQUESTED_V1, dlqTopicFor, INBOUND_MESSAGE_V1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, STATUS_UPDATED_V1,
} from '@wabridge/contracts';
import { DatabaseLifecycle } from '@wabridge/database';
import { kafkaConnectionFromEnv, KafkaModule } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { ConversationsController } from './api/conversations.controller';
import { AutomationRulesController } from './automations/automation-rules.controller';
import { AutomationRulesRepository } from './automations/automation-rules.repository';
import { AutomationRulesService } from './automations/automation-rules.service';
import { AutomationRepository } from './automations/automation.repository';
import { AutomationService } from './automations/automation.service';
import { Forwarder } from './automations/forwarder';
import { ConversationsRepository } from './api/conversations.repository';
import { ConversationsService } from './api/conversations.service';
import { ConversationsAuthGuard } from './common/conversations-auth.guard';
import { ConversationsEnv } from './conversations.env';
import { CLOCK } from './conversations.tokens';
import { ContactErasureConsumer } from './erasure/contact-erasure.consumer';
import { ErasureRepository } from './erasure/erasure.repository';
import { HistoryConsumer } from './history/history.consumer';
import { HistoryRepository } from './history/history.repository';
import { HistoryService } from './history/history.service';
import { ConversationRetentionService } from './retention/conversation-retention.service';
import { ConversationSettingsController } from './retention/conversation-settings.controller';
import { RetentionRepository } from './retention/retention.repository';
import { TenantSettingsRepository } from '@wabridge/database';

export const CONVERSATIONS_TOPICS = [INBOUND_MESSAGE_V1, OUTBOUND_REQUESTED_V1, OUTBOUND_EVENTS_V1, STATUS_UPDATED_V1, CONTACT_ERASED_V1];

@Module({})
export class ConversationsModule {
  static forRoot(env: ConversationsEnv, ds: DataSource, clock: Clock): DynamicModule {
    return {
      module: ConversationsModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'conversations' }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'conversations'),
          topics: CONVERSATIONS_TOPICS,
          // produced (automations): replies on wa.outbound.requested.v1, tags for the contacts service
          extraTopics: [dlqTopicFor(env.CONVERSATIONS_CONSUMER_GROUP), CONTACT_TAGS_REQUESTED_V1.topic],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      // the settings controller first: its static path reads before `/v1/conversations/:id` (the router prefers it anyway)
      controllers: [ConversationSettingsController, ConversationsController, AutomationRulesController, HistoryConsumer, ContactErasureConsumer],
      providers: [
        { provide: ConversationsEnv, useValue: env },
        { provide: DataSource, useValue: ds },
        { provide: CLOCK, useValue: clock },
        DatabaseLifecycle,
        ConversationsAuthGuard,
        HistoryRepository,
        HistoryService,
        ConversationsRepository,
        ConversationsService,
        TenantSettingsRepository,
        RetentionRepository,
        ConversationRetentionService,
        ErasureRepository,
        AutomationRulesRepository,
        AutomationRulesService,
        AutomationRepository,
        AutomationService,
        Forwarder,
      ],
    };
  }
}
