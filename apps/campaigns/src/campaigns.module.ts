import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dlqTopicFor, NUMBER_CHANGED_V1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { DatabaseLifecycle } from '@wabridge/database';
import { kafkaConnectionFromEnv, KafkaModule } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsRepository } from './campaigns/campaigns.repository';
import { CampaignsService } from './campaigns/campaigns.service';
import { CampaignsEnv } from './campaigns.env';
import { CLOCK } from './campaigns.tokens';
import { CampaignsAuthGuard } from './common/campaigns-auth.guard';
import { NumbersRepository } from './numbers/numbers.repository';
import { ProgressConsumer } from './progress/progress.consumer';
import { CampaignRunner } from './runner/campaign-runner';
import { SegmentsController } from './segments/segments.controller';
import { SegmentsRepository } from './segments/segments.repository';

/** Produced (sends) and consumed (progress, numbers' limits) topics. */
export const CAMPAIGNS_TOPICS = [OUTBOUND_REQUESTED_V1, OUTBOUND_EVENTS_V1, NUMBER_CHANGED_V1];

@Module({})
export class CampaignsModule {
  static forRoot(env: CampaignsEnv, ds: DataSource, clock: Clock): DynamicModule {
    return {
      module: CampaignsModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'campaigns' }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'campaigns'),
          topics: CAMPAIGNS_TOPICS,
          extraTopics: [dlqTopicFor(env.CAMPAIGNS_CONSUMER_GROUP)],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      // segments first: its static path reads before `/v1/campaigns/:id` (the router prefers it anyway)
      controllers: [SegmentsController, CampaignsController, ProgressConsumer],
      providers: [
        { provide: CampaignsEnv, useValue: env },
        { provide: DataSource, useValue: ds },
        { provide: CLOCK, useValue: clock },
        DatabaseLifecycle,
        CampaignsAuthGuard,
        CampaignsRepository,
        CampaignsService,
        NumbersRepository,
        SegmentsRepository,
        CampaignRunner,
      ],
    };
  }
}
