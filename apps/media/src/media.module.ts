import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONTACT_ERASED_V1, dlqTopicFor, INBOUND_MESSAGE_V1, MEDIA_FAILED_V1, MEDIA_STORED_V1, NUMBER_CHANGED_V1 } from '@wabridge/contracts';
import { DatabaseLifecycle } from '@wabridge/database';
import { kafkaConnectionFromEnv, KafkaModule } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { CLOCK } from './media.tokens';
import { MediaAuthGuard } from './common/media-auth.guard';
import { MediaConsumers } from './consumers.controller';
import { ContactErasureConsumer } from './erasure/contact-erasure.consumer';
import { ContactErasureService } from './erasure/contact-erasure.service';
import { ErasureRepository } from './erasure/erasure.repository';
import { InboundMediaConsumer } from './inbound/inbound-media.consumer';
import { InboundMediaFetcher } from './inbound/inbound-media.fetcher';
import { InboundMediaRepository } from './inbound/inbound-media.repository';
import { InboundMediaService } from './inbound/inbound-media.service';
import { InboundMediaSweeper } from './inbound/inbound-media.sweeper';
import { MetaMediaClient } from './inbound/meta-media.client';
import { MediaController } from './media/media.controller';
import { MediaRepository } from './media/media.repository';
import { MediaService } from './media/media.service';
import { MediaEnv } from './media.env';
import { GraphClient } from './numbers/graph-client';
import { NumbersRepository } from './numbers/numbers.repository';
import { LinkImporter } from './resolve/link-importer';
import { MetaIdsRepository } from './resolve/meta-ids.repository';
import { ResolveController } from './resolve/resolve.controller';
import { ResolveService } from './resolve/resolve.service';
import { MediaRetentionService } from './retention/media-retention.service';
import { MediaSettingsController } from './retention/media-settings.controller';
import { ObjectRemover } from './retention/object-remover';
import { RetentionRepository } from './retention/retention.repository';
import { TenantSettingsRepository } from '@wabridge/database';
import { MEDIA_STORAGE, MediaStorage } from './storage/media-storage';
import { StorageLifecycle } from './storage/storage-lifecycle';

export const MEDIA_TOPICS = [NUMBER_CHANGED_V1, MEDIA_STORED_V1, INBOUND_MESSAGE_V1, MEDIA_FAILED_V1, CONTACT_ERASED_V1];

@Module({})
export class MediaModule {
  static forRoot(env: MediaEnv, ds: DataSource, storage: MediaStorage, clock: Clock): DynamicModule {
    return {
      module: MediaModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'media' }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'media'),
          topics: MEDIA_TOPICS,
          extraTopics: [dlqTopicFor(env.MEDIA_CONSUMER_GROUP)],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      // the settings controller first: its static path reads before `/v1/media/:id` (the router prefers it anyway)
      controllers: [MediaSettingsController, MediaController, MediaConsumers, InboundMediaConsumer, ResolveController, ContactErasureConsumer],
      providers: [
        { provide: MediaEnv, useValue: env },
        { provide: DataSource, useValue: ds },
        { provide: CLOCK, useValue: clock },
        { provide: MEDIA_STORAGE, useValue: storage },
        DatabaseLifecycle,
        StorageLifecycle,
        MediaAuthGuard,
        NumbersRepository,
        MediaRepository,
        GraphClient,
        MediaService,
        InboundMediaRepository,
        MetaMediaClient,
        InboundMediaFetcher,
        InboundMediaService,
        InboundMediaSweeper,
        MetaIdsRepository,
        LinkImporter,
        ResolveService,
        TenantSettingsRepository,
        ObjectRemover,
        RetentionRepository,
        MediaRetentionService,
        ErasureRepository,
        ContactErasureService,
      ],
    };
  }
}
