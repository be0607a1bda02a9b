import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ACCOUNT_EVENT_V1, dlqTopicFor, INBOUND_MESSAGE_V1, NUMBER_CHANGED_V1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, STATUS_UPDATED_V1,
} from '@wabridge/contracts';
import { DatabaseLifecycle } from '@wabridge/database';
import { kafkaConnectionFromEnv, KafkaModule } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { AnalyticsEnv } from './analytics.env';
import { CLOCK } from './analytics.tokens';
import { AnalyticsAuthGuard } from './common/analytics-auth.guard';
import { AnalyticsConsumers } from './consumers.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { FoldRepository } from './fold/fold.repository';
import { FoldService } from './fold/fold.service';
import { FactPruneService } from './fold/fact-prune.service';
import { NumbersRepository } from './numbers/numbers.repository';
import { AnalyticsController } from './query/analytics.controller';
import { QueryRepository } from './query/query.repository';
import { QueryService } from './query/query.service';
import { RateCardController } from './rate-card/rate-card.controller';
import { RateCardRepository } from './rate-card/rate-card.repository';

export const ANALYTICS_TOPICS = [OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, STATUS_UPDATED_V1, INBOUND_MESSAGE_V1, ACCOUNT_EVENT_V1, NUMBER_CHANGED_V1];

@Module({})
export class AnalyticsModule {
  static forRoot(env: AnalyticsEnv, ds: DataSource, clock: Clock): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'analytics' }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'analytics'),
          topics: ANALYTICS_TOPICS,
          extraTopics: [dlqTopicFor(env.ANALYTICS_CONSUMER_GROUP)],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      // the rate card's static path first (the router prefers static paths anyway)
      controllers: [RateCardController, AnalyticsController, DashboardController, AnalyticsConsumers],
      providers: [
        { provide: AnalyticsEnv, useValue: env },
        { provide: DataSource, useValue: ds },
        { provide: CLOCK, useValue: clock },
        DatabaseLifecycle,
        AnalyticsAuthGuard,
        NumbersRepository,
        FoldRepository,
        FoldService,
        FactPruneService,
        RateCardRepository,
        QueryRepository,
        QueryService,
      ],
    };
  }
}
