import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ACCOUNT_EVENT_V1, INBOUND_MESSAGE_V1, STATUS_UPDATED_V1, WebhookReceivedV1 } from '@wabridge/contracts';
import { EventProducer, PoisonMessageError } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { normalizeWebhook } from './normalize';
import { ProcessedEventsRepository } from './processed-events.repository';

export const INGRESS_OPTIONS = Symbol('INGRESS_OPTIONS');
export interface NormalizerOptions {
  dedupeRetentionDays: number;
}

const EVENT_TYPES: Record<string, string> = {
  [INBOUND_MESSAGE_V1.topic]: 'InboundMessage',
  [STATUS_UPDATED_V1.topic]: 'StatusUpdated',
  [ACCOUNT_EVENT_V1.topic]: 'AccountEvent',
};

const produced = counter('wabridge_ingress_events_total', 'Typed events produced by the normalizer', ['topic']);
const duplicates = counter('wabridge_ingress_duplicates_total', 'Typed events skipped as duplicates', ['topic']);

/** Raw webhook → typed events, each produced once (dedupe ledger in Postgres). */
@Injectable()
export class NormalizerService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(NormalizerService.name);
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: ProcessedEventsRepository,
    private readonly producer: EventProducer,
    @Inject(INGRESS_OPTIONS) private readonly options: NormalizerOptions,
  ) {}

  onModuleInit(): void {
    this.pruneTimer = setInterval(() => {
      this.repo.prune(this.options.dedupeRetentionDays).catch((err: Error) => this.log.warn(`prune failed: ${err.message}`));
    }, 60 * 60 * 1000);
    this.pruneTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  async handle(event: WebhookReceivedV1): Promise<void> {
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(event.rawBody, 'base64').toString('utf8'));
    } catch {
      // Ingress only produces bodies it parsed, so this is a foreign or corrupt message.
      throw new PoisonMessageError('raw body is not JSON');
    }
    const events = normalizeWebhook(payload, event.appId, event.receivedAt);
    // The same id may repeat inside one body; the first occurrence wins.
    const unique = [...new Map(events.map((e) => [e.dedupeKey, e])).values()];
    const todo = await this.repo.claim(unique.map((e) => ({ key: e.dedupeKey, topic: e.topic })));
    const fresh = unique.filter((e) => todo.has(e.dedupeKey));
    for (const e of events) if (!todo.has(e.dedupeKey)) duplicates.inc({ topic: e.topic });
    await this.producer.sendMany(
      fresh.map((e) => ({ topic: e.topic, key: e.key, value: e.value, eventType: EVENT_TYPES[e.topic], schemaVersion: 1 })),
    );
    await this.repo.markProduced(fresh.map((e) => e.dedupeKey));
    for (const e of fresh) produced.inc({ topic: e.topic });
  }
}
