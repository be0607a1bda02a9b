import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONTACT_CHANGED_V1, CONTACT_ERASED_V1, CONTACT_TAGS_REQUESTED_V1, dlqTopicFor, INBOUND_MESSAGE_V1, NUMBER_CHANGED_V1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { DatabaseLifecycle } from '@wabridge/database';
import { kafkaConnectionFromEnv, KafkaModule } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { CLOCK, Clock } from './common/clock';
import { ContactsAuthGuard } from './common/contacts-auth.guard';
import { ContactsConsumers } from './consumers.controller';
import { ContactsEnv } from './contacts.env';
import { ContactEventsPublisher } from './contacts/contact-events.publisher';
import { ContactsController } from './contacts/contacts.controller';
import { ContactsRepository } from './contacts/contacts.repository';
import { ContactsService } from './contacts/contacts.service';
import { ImportService } from './import/import.service';
import { InboundService } from './inbound/inbound.service';
import { NumberService } from './numbers/number.service';
import { NumbersRepository } from './numbers/numbers.repository';
import { ParkedEventsRepository } from './numbers/parked-events.repository';
import { RetentionRepository } from './retention/retention.repository';
import { RetentionService } from './retention/retention.service';
import { TenantResolver } from './numbers/tenant-resolver';
import { SettingsRepository } from './settings/settings.repository';
import { StatusService } from './status/status.service';
import { ContactTagsRepository } from './tagging/contact-tags.repository';
import { TagCommandsService } from './tagging/tag-commands.service';

export const CONTACTS_TOPICS = [INBOUND_MESSAGE_V1, STATUS_UPDATED_V1, NUMBER_CHANGED_V1, CONTACT_CHANGED_V1, CONTACT_ERASED_V1, CONTACT_TAGS_REQUESTED_V1];

@Module({})
export class ContactsModule {
  static forRoot(env: ContactsEnv, ds: DataSource, clock: Clock): DynamicModule {
    return {
      module: ContactsModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'contacts' }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'contacts'),
          topics: CONTACTS_TOPICS,
          extraTopics: [dlqTopicFor(env.CONTACTS_CONSUMER_GROUP)],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      controllers: [ContactsController, ContactsConsumers],
      providers: [
        { provide: ContactsEnv, useValue: env },
        { provide: DataSource, useValue: ds },
        { provide: CLOCK, useValue: clock },
        DatabaseLifecycle,
        ContactsAuthGuard,
        ContactsRepository,
        NumbersRepository,
        ParkedEventsRepository,
        SettingsRepository,
        TenantResolver,
        ContactEventsPublisher,
        InboundService,
        StatusService,
        NumberService,
        ContactsService,
        ImportService,
        RetentionService,
        RetentionRepository,
        TagCommandsService,
        ContactTagsRepository,
      ],
    };
  }
}
