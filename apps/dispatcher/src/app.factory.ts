import 'reflect-metadata';
import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SecretBox } from '@wabridge/config';
import {
  ACCOUNT_EVENT_V1, CONTACT_CHANGED_V1, CONTACT_ERASED_V1, dlqTopicFor, NUMBER_CHANGED_V1, OUTBOUND_DLQ_V1, OUTBOUND_EVENTS_V1,
  OUTBOUND_REQUESTED_V1, OUTBOUND_RETRY_TIERS, STATUS_UPDATED_V1,
} from '@wabridge/contracts';
import { createServiceDataSource, databaseReadinessCheck, ensureDatabase, runMigrations } from '@wabridge/database';
import { INestApplication } from '@nestjs/common';
import { createHttpApp } from '@wabridge/http';
import { attachKafkaConsumer, EventProducer, KAFKA_CLIENT, kafkaConnectionFromEnv, KafkaModule } from '@wabridge/kafka';
import { ObservabilityModule } from '@wabridge/telemetry';
import { PeriodicJob } from '@wabridge/time';
import { Clock, systemClock } from './common/clock';
import { Pg } from './database/pg';
import { DISPATCHER_MIGRATIONS } from './database/migrations';
import { DispatcherEnv } from './dispatcher.env';
import { AdmissionService } from './admission/admission.service';
import { OutboundConsumer } from './consumers/outbound.consumer';
import { DISPATCHER, DispatcherParts, StateConsumer } from './consumers/state.consumer';
import { ErrorSideEffects } from './errors/error-side-effects';
import { NumberRateLimiter } from './limits/number-rate-limiter';
import { PairLimiter } from './limits/pair-limiter';
import { MessageLifecycle } from './lifecycle/message-lifecycle';
import { StatusBacklog } from './lifecycle/status-backlog';
import { StuckMessageReconciler } from './lifecycle/reconciler';
import { StatusService } from './lifecycle/status.service';
import { MessageRepository } from './messages/message.repository';
import { OutboundProcessor } from './pipeline/outbound.processor';
import { DEFAULT_BACKOFF } from './retry/backoff';
import { SchedulingService } from './scheduling/scheduling.service';
import { TimerScheduler } from './scheduling/scheduler';
import { GraphClient } from './sending/graph.client';
import { SendingService } from './sending/sending.service';
import { ErasureRepository } from './state/erasure.repository';
import { suppressionHasherFor } from './state/suppression-keys';
import { AccessTokens } from './state/access-tokens';
import { StateCache } from './state/state.cache';
import { StateRepository } from './state/state.repository';
import { SuppressingStateStore } from './state/suppressing-state.store';

const STATE_GROUP_SUFFIX = '-state';
const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

interface Built extends DispatcherParts {
  consumer: OutboundConsumer;
  repo: MessageRepository;
  reconciler: StuckMessageReconciler;
  sweepIntervalMs: number;
  retentionDays: number;
}

@Injectable()
class OutboundRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('OutboundRunner');
  private readonly jobs: PeriodicJob[];

  constructor(@Inject(DISPATCHER) private readonly parts: Built) {
    const warn = (what: string) => (err: Error): void => this.log.warn(`${what} failed: ${err.message}`);
    this.jobs = [
      // Users reached more than 24 h ago no longer count against the messaging limit.
      new PeriodicJob(() => parts.state.pruneReach(Date.now()), HOUSEKEEPING_INTERVAL_MS, warn('portfolio_reach prune')),
      // Expired per-user marketing holds (ADR 0164).
      new PeriodicJob(() => parts.state.pruneMarketingHolds(Date.now()), HOUSEKEEPING_INTERVAL_MS, warn('marketing_holds prune')),
      // Settled messages past the retention go.
      new PeriodicJob(() => parts.repo.pruneSettled(new Date(Date.now() - parts.retentionDays * 86_400_000)), HOUSEKEEPING_INTERVAL_MS, warn('message retention prune')),
      // Messages that lost their copy in a crash are found and moved on (ADR 0035).
      new PeriodicJob(() => parts.reconciler.sweep(), parts.sweepIntervalMs, warn('overdue sweep')),
    ];
  }
  async onApplicationBootstrap(): Promise<void> {
    await this.parts.consumer.start();
    for (const job of this.jobs) job.start();
  }
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.jobs.map((j) => j.stop()));
    await this.parts.consumer.stop();
    await this.parts.backlog.close();
  }
}

function dispatcherModule(env: DispatcherEnv, ds: DataSource, clock: Clock): DynamicModule {
  const connection = kafkaConnectionFromEnv(env, 'dispatcher');
  @Module({})
  class DispatcherModule {}
  return {
    module: DispatcherModule,
    imports: [
      ObservabilityModule.forRoot({ serviceName: 'dispatcher', readinessChecks: { postgres: databaseReadinessCheck(ds) } }),
      KafkaModule.forRoot({
        connection,
        partitions: env.KAFKA_PARTITIONS,
        topics: [
          OUTBOUND_REQUESTED_V1, OUTBOUND_EVENTS_V1, OUTBOUND_DLQ_V1, ...OUTBOUND_RETRY_TIERS.map((t) => t.spec),
          NUMBER_CHANGED_V1, CONTACT_CHANGED_V1, CONTACT_ERASED_V1, STATUS_UPDATED_V1, ACCOUNT_EVENT_V1,
        ],
        extraTopics: [dlqTopicFor(env.KAFKA_GROUP_ID), dlqTopicFor(env.KAFKA_GROUP_ID + STATE_GROUP_SUFFIX)],
        producer: { lingerMs: 2, maxBatchMessages: 1000, maxQueuedMessages: 100000, sendTimeoutMs: 15000 },
      }),
    ],
    controllers: [StateConsumer],
    providers: [
      {
        provide: DISPATCHER,
        inject: [EventProducer, KAFKA_CLIENT],
        useFactory: (producer: EventProducer, kafka: Kafka): Built => {
          const pg = new Pg(ds);
          const backlog = new StatusBacklog(kafka, env.KAFKA_GROUP_ID + STATE_GROUP_SUFFIX, connection.topicSuffix);
          const box = env.ENCRYPTION_KEYS ? new SecretBox(env.ENCRYPTION_KEYS) : null;
          const erasure = new ErasureRepository(pg, suppressionHasherFor(env));
          const state = new SuppressingStateStore(erasure, new StateRepository(pg), new StateCache(clock), new AccessTokens(box), clock);
          const repo = new MessageRepository(pg);
          // The pipeline (ADR 0185): admission → scheduling → sending → lifecycle, orchestrated by the processor.
          const lifecycle = new MessageLifecycle(repo, state, producer, clock);
          const admission = new AdmissionService(repo, state, clock, {
            inlineHorizonMs: env.INLINE_HORIZON_MS, reconcileTimeoutMs: env.RECONCILE_TIMEOUT_MS,
            unknownNumberGraceMs: env.UNKNOWN_NUMBER_GRACE_MS, windowGraceMs: env.WINDOW_GRACE_MS,
          }, (t) => backlog.appliedThrough(t));
          const scheduling = new SchedulingService(
            new NumberRateLimiter(clock, Number(env.NUMBER_BURST_SECONDS), Number(env.SEND_GATE_BURST_SECONDS)),
            // Slower than Meta's refill (5 % + PAIR_SAFETY_MS): our clock starts before Meta's bucket does.
            new PairLimiter(clock, { burst: env.PAIR_BURST, refillMs: Math.ceil(env.PAIR_REFILL_MS * 1.05) + env.PAIR_SAFETY_MS }),
            state, clock, new TimerScheduler(clock), { inlineHorizonMs: env.INLINE_HORIZON_MS, rateLimits: env.RATE_LIMITS_ENABLED },
          );
          const sending = new SendingService(new GraphClient(env.GRAPH_TIMEOUT_MS), state, new ErrorSideEffects(state, clock), clock, Math.random, {
            reconcileTimeoutMs: env.RECONCILE_TIMEOUT_MS,
            backoff: { ...DEFAULT_BACKOFF, maxTransientAttempts: env.MAX_TRANSIENT_ATTEMPTS, transientBaseMs: env.TRANSIENT_BACKOFF_BASE_MS },
          });
          const processor = new OutboundProcessor(admission, scheduling, sending, lifecycle);
          const status = new StatusService(repo, lifecycle, state, clock, env.MAX_TRANSIENT_ATTEMPTS);
          const consumer = new OutboundConsumer(kafka, producer, processor, clock, {
            groupId: env.KAFKA_GROUP_ID, topicSuffix: connection.topicSuffix, concurrency: env.DISPATCHER_CONCURRENCY,
            waitForTopics: connection.createTopics === false,
          });
          const reconciler = new StuckMessageReconciler(repo, lifecycle, clock, {
            graceMs: env.OVERDUE_GRACE_MS, reconcileTimeoutMs: env.RECONCILE_TIMEOUT_MS, batch: 500,
          });
          return {
            state, erasure, status, lifecycle, consumer, backlog, repo, reconciler,
            sweepIntervalMs: env.RECONCILE_SWEEP_INTERVAL_MS, retentionDays: env.MESSAGE_RETENTION_DAYS,
          };
        },
      },
      OutboundRunner,
    ],
  };
}

export interface DispatcherApp {
  app: INestApplication;
  url: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Boots the dispatcher (migrations, topics, consumers, HTTP health/metrics). `port` 0 = any. */
export async function createDispatcherApp(env: DispatcherEnv, options: { clock?: Clock; listen?: boolean } = {}): Promise<DispatcherApp> {
  await ensureDatabase(env.DATABASE_URL, { create: env.DATABASE_CREATE });
  const ds = createServiceDataSource({
    url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, migrations: DISPATCHER_MIGRATIONS, poolSize: env.DB_POOL_SIZE, startupOptions: env.DATABASE_STARTUP_OPTIONS,
  });
  await runMigrations(ds);
  const app = await createHttpApp(dispatcherModule(env, ds, options.clock ?? systemClock), { logLevel: env.LOG_LEVEL });
  attachKafkaConsumer(app, {
    connection: kafkaConnectionFromEnv(env, 'dispatcher-state'),
    consumer: { groupId: env.KAFKA_GROUP_ID + STATE_GROUP_SUFFIX, partitionsConsumedConcurrently: 8, fromBeginning: true, sessionTimeoutMs: 10000, heartbeatIntervalMs: 1000 },
  });
  await app.init(); // creates topics (KafkaModule) before the state consumer subscribes
  await app.startAllMicroservices();
  await app.listen(env.PORT, env.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  return {
    app,
    url: `http://${env.HOST}:${port}`,
    dataSource: ds,
    close: async () => {
      await app.close();
      if (ds.isInitialized) await ds.destroy();
    },
  };
}
