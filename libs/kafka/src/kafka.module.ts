import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { HealthRegistry } from '@wabridge/telemetry';
import { Admin, Kafka } from 'kafkajs';
import { TopicSpec } from '@wabridge/contracts';
import { createKafka } from './kafka-client';
import { KafkaConnectionOptions, ProducerOptions } from './kafka.options';
import { EventProducer } from './producer/event-producer';
import { ensureTopics, missingTopics, missingTopicsMessage } from './topics/topic-admin';
import { topicName } from '@wabridge/contracts';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

export interface KafkaModuleOptions {
  connection: KafkaConnectionOptions;
  producer?: ProducerOptions;
  /** Topics this service produces to or consumes from; created at boot if missing. */
  topics: readonly TopicSpec[];
  /** Plain topic names to create too (DLQs of this service's consumers). */
  extraTopics?: string[];
  partitions: number;
  /** Skip topic creation (a deployment that manages topics with Strimzi CRs); also `connection.createTopics: false`. */
  skipTopicCreation?: boolean;
}

/** Creates topics before anything produces; connects the producer eagerly but tolerates a down broker. */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    private readonly producer: EventProducer,
    @Optional() private readonly health?: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health?.register('kafka', () => this.ping());
    if (this.options.skipTopicCreation || this.options.connection.createTopics === false) {
      // Never create (Strimzi owns the topics): name what is missing at boot and in readiness.
      this.health?.register('kafka-topics', () => this.checkTopics());
      await this.checkTopics().catch((err: Error) => this.log.error(err.message));
    } else {
      await ensureTopics(this.kafka, this.options.topics, {
        suffix: this.options.connection.topicSuffix,
        partitions: this.options.partitions,
        extraTopics: this.options.extraTopics,
      });
    }
    await this.producer.connect();
  }

  private readonly log = new Logger('KafkaModule');

  private async checkTopics(): Promise<void> {
    const suffix = this.options.connection.topicSuffix;
    const names = [...this.options.topics.map((t) => topicName(t.topic, suffix)), ...(this.options.extraTopics ?? []).map((t) => topicName(t, suffix))];
    const admin = await this.connectedAdmin();
    const missing = await missingTopics(admin, names).catch(async (err: unknown) => {
      await this.dropAdmin(admin);
      throw err;
    });
    if (missing.length > 0) throw new Error(missingTopicsMessage(missing));
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
    await this.admin?.disconnect().catch(() => undefined);
  }

  private admin: Admin | null = null;

  /** Readiness: the broker answers a metadata call. */
  private async ping(): Promise<void> {
    const admin = await this.connectedAdmin();
    try {
      await admin.describeCluster();
    } catch (err) {
      await this.dropAdmin(admin);
      throw err;
    }
  }

  private async dropAdmin(admin: Admin): Promise<void> {
    await admin.disconnect().catch(() => undefined);
    if (this.admin === admin) this.admin = null;
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        { provide: KAFKA_CLIENT, useFactory: () => createKafka(options.connection) },
        {
          provide: EventProducer,
          inject: [KAFKA_CLIENT],
          useFactory: (kafka: Kafka) => new EventProducer(kafka, options.connection.topicSuffix, options.producer),
        },
        KafkaLifecycle,
      ],
      exports: [KAFKA_CLIENT, EventProducer],
    };
  }
}
