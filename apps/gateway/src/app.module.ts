import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@wabridge/config';
import { ACCOUNT_EVENT_V1, APP_CHANGED_V1, CONTACT_ERASED_V1, dlqTopicFor, NUMBER_CHANGED_V1, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { KafkaModule, kafkaConnectionFromEnv } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { AdminController } from './accounts/admin.controller';
import { RegistryPublisher } from './accounts/registry.publisher';
import { RegistryRepository } from './accounts/registry.repository';
import { RegistryService } from './accounts/registry.service';
import { TenantsRepository } from './accounts/tenants.repository';
import { TenantsService } from './accounts/tenants.service';
import { AdminGuard } from './auth/admin.guard';
import { ApiAuthGuard } from './auth/api-auth.guard';
import { ApiKeyVerifier } from './auth/api-key.verifier';
import { CredentialsController } from './accounts/credentials.controller';
import { OAuthController } from './auth/oauth.controller';
import { OAuthClientsRepository } from './auth/oauth-clients.repository';
import { OAuthService } from './auth/oauth.service';
import { OAuthTokenVerifier } from './auth/oauth-token.verifier';
import { SigningKeysRepository } from './auth/signing-keys.repository';
import { SigningKeysService } from './auth/signing-keys.service';
import { Clock } from './auth/rate-limiter';
import { RateLimiter, systemClock } from './auth/rate-limiter';
import { ResolvedGatewayEnv } from './config/gateway.env';
import { CloudMediaController } from './forwarding/cloud-media.controller';
import { CloudMediaService } from './forwarding/cloud-media.service';
import { DashboardPageController } from './forwarding/dashboard-page.controller';
import { ForwardingController } from './forwarding/forwarding.controller';
import { ForwardingService } from './forwarding/forwarding.service';
import { GraphClient } from './graph/graph.client';
import { CloudApiController } from './messages/cloud-api.controller';
import { ContactErasureConsumer } from './messages/contact-erasure.consumer';
import { MessageProjectionConsumer } from './messages/message-projection.consumer';
import { MessageProjectionService } from './messages/message-projection.service';
import { IdempotencyKeyPruner } from './messages/idempotency-key-pruner';
import { ScheduledSendReleaser } from './messages/scheduled-send.releaser';
import { ScheduledSendsRepository } from './messages/scheduled-sends.repository';
import { MessageRetentionService } from './messages/message-retention.service';
import { ConversationMessagesController } from './messages/conversation-messages.controller';
import { MessagesController } from './messages/messages.controller';
import { MessagesRepository } from './messages/messages.repository';
import { SendService } from './messages/send.service';
import { TemplatesController } from './templates/templates.controller';
import { TemplatesRepository } from './templates/templates.repository';
import { TemplatesService } from './templates/templates.service';
import { EmbeddedSignupService } from './onboarding/embedded-signup.service';
import { OnboardingController } from './onboarding/onboarding.controller';
import { OnboardingRepository } from './onboarding/onboarding.repository';
import { RegistrationService } from './onboarding/registration.service';
import { AccountEventsConsumer } from './numbers/account-events.consumer';
import { AccountStateRefresher } from './numbers/account-state.refresher';
import { AccountStateRepository } from './numbers/account-state.repository';
import { AccountStateService } from './numbers/account-state.service';
import { BusinessProfileController } from './numbers/business-profile.controller';
import { BusinessProfileRepository } from './numbers/business-profile.repository';
import { BusinessProfileService } from './numbers/business-profile.service';
import { NumbersController } from './numbers/numbers.controller';
import { RequestLogRecorder } from './request-log/request-log.recorder';
import { RequestLogRepository } from './request-log/request-log.repository';
import { RequestLogWriter } from './request-log/request-log.writer';
import { RequestLogsController } from './request-log/request-logs.controller';
import { CLOCK, CREDENTIAL_VERIFIERS, DATA_SOURCE, GATEWAY_ENV, RATE_LIMITER, SECRET_BOX } from './tokens';

/** Topics the gateway produces to and consumes from (created at boot if missing). */
export const GATEWAY_TOPICS = [OUTBOUND_REQUESTED_V1, NUMBER_CHANGED_V1, APP_CHANGED_V1, OUTBOUND_EVENTS_V1, STATUS_UPDATED_V1, ACCOUNT_EVENT_V1, CONTACT_ERASED_V1];

/** Topics the gateway's consumer group reads (one handler each). */
export const GATEWAY_CONSUMED_TOPICS = [OUTBOUND_REQUESTED_V1, OUTBOUND_EVENTS_V1, ACCOUNT_EVENT_V1, CONTACT_ERASED_V1];

@Module({})
export class GatewayModule {
  static forRoot(env: ResolvedGatewayEnv, db: DataSource, clock: Clock = systemClock): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ObservabilityModule.forRoot({
          serviceName: 'gateway',
          readinessChecks: { postgres: async () => { await db.query('SELECT 1'); } },
          // health and metrics never on the public port (ADR 0074)
          management: { port: env.MANAGEMENT_PORT, host: env.MANAGEMENT_HOST ?? env.HOST },
        }),
        KafkaModule.forRoot({
          connection: kafkaConnectionFromEnv(env, 'gateway'),
          // No linger: the send path's group commit already batches its commands, and the
          // producer's 2 ms timer was most of a batch's produce wait at low load (ADR 0206).
          producer: { sendTimeoutMs: env.KAFKA_SEND_TIMEOUT_MS, lingerMs: 0 },
          topics: GATEWAY_TOPICS,
          extraTopics: [dlqTopicFor(env.CONSUMER_GROUP)],
          partitions: env.KAFKA_PARTITIONS,
        }),
      ],
      controllers: [AdminController, CredentialsController, OAuthController, MessagesController, ConversationMessagesController, CloudApiController, TemplatesController, ForwardingController, DashboardPageController, CloudMediaController, OnboardingController, MessageProjectionConsumer, AccountEventsConsumer, ContactErasureConsumer, NumbersController, BusinessProfileController, RequestLogsController],
      providers: [
        { provide: GATEWAY_ENV, useValue: env },
        { provide: DATA_SOURCE, useValue: db },
        { provide: SECRET_BOX, useValue: new SecretBox(env.ENCRYPTION_KEYS) },
        { provide: CLOCK, useValue: clock },
        { provide: RATE_LIMITER, useValue: new RateLimiter(env.RATE_LIMIT_PER_MINUTE) },
        ApiKeyVerifier,
        SigningKeysRepository,
        SigningKeysService,
        OAuthTokenVerifier,
        OAuthClientsRepository,
        OAuthService,
        { provide: CREDENTIAL_VERIFIERS, inject: [ApiKeyVerifier, OAuthTokenVerifier], useFactory: (apiKeys: ApiKeyVerifier, tokens: OAuthTokenVerifier) => [apiKeys, tokens] },
        ApiAuthGuard,
        AdminGuard,
        TenantsRepository,
        TenantsService,
        RegistryRepository,
        RegistryPublisher,
        RegistryService,
        MessagesRepository,
        SendService,
        MessageProjectionService,
        MessageRetentionService,
        IdempotencyKeyPruner,
        ScheduledSendsRepository,
        ScheduledSendReleaser,
        TemplatesRepository,
        TemplatesService,
        GraphClient,
        ForwardingService,
        CloudMediaService,
        OnboardingRepository,
        EmbeddedSignupService,
        RegistrationService,
        AccountStateRepository,
        AccountStateService,
        AccountStateRefresher,
        BusinessProfileRepository,
        BusinessProfileService,
        RequestLogRepository,
        RequestLogWriter,
        RequestLogRecorder,
      ],
    };
  }
}
