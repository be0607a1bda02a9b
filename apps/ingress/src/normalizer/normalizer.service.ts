import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { ACCOUNT_EVENT_V1, WebhookReceivedV1 } from '@wabridge/contracts';
import { KAFKA_CLIENT, KafkaBatchItem, PoisonMessageError } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { PeriodicJob } from '@wabridge/time';
import { NUMBER_OWNERSHIP, NumberOwnership } from '../apps-registry/number-ownership';
import { REGISTRY_CATCH_UP, RegistryCatchUp } from '../apps-registry/registry-catch-up';
import { NormalizedEvent, normalizeWebhook } from './normalize';
import { ProcessedEventsRepository } from './processed-events.repository';
import { TransactionalWriter } from './transactional-writer';

export const INGRESS_OPTIONS = Symbol('INGRESS_OPTIONS');
export interface NormalizerOptions {
  dedupeRetentionDays: number;
  topicSuffix?: string;
  groupId: string;
  /** A change naming a number/WABA no registered number has: stamped and kept, or dropped (ADR 0071). */
  unknownNumbers?: 'accept' | 'drop';
}

const produced = counter('wabridge_ingress_events_total', 'Typed events produced by the normalizer', ['topic']);
const duplicates = counter('wabridge_ingress_duplicates_total', 'Typed events skipped as duplicates (Meta redeliveries)');
const replayedClaims = counter(
  'wabridge_ingress_claims_recorded_after_commit_total',
  'Dedupe claims written on a retry whose earlier Kafka transaction had committed (nothing produced again)',
);
const crossApp = counter(
  'wabridge_ingress_cross_app_dropped_total',
  "Changes dropped because the signing app does not own the phone number/WABA they name (ADR 0071)",
  ['topic', 'reason'] as const,
);
const unbound = counter('wabridge_ingress_unbound_changes_total', 'Changes naming a phone number/WABA no registered number has', ['topic', 'action'] as const);

/**
 * Raw webhook → typed events, each produced once: a Postgres dedupe ledger (Meta redelivers
 * the same ids) wrapped around a Kafka transaction that also commits the webhook's offset
 * (a crash mid-way replays nothing twice). See docs/adr/0002-ingress-exactly-once.md.
 */
@Injectable()
export class NormalizerService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(NormalizerService.name);
  private readonly writer: TransactionalWriter;
  private readonly pruneJob: PeriodicJob;

  constructor(
    private readonly repo: ProcessedEventsRepository,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(INGRESS_OPTIONS) private readonly options: NormalizerOptions,
    @Inject(NUMBER_OWNERSHIP) private readonly ownership: NumberOwnership,
    @Inject(REGISTRY_CATCH_UP) private readonly catchUp: RegistryCatchUp,
  ) {
    this.writer = new TransactionalWriter(kafka, options.topicSuffix, options.groupId);
    // Once at boot (a service that was down for days starts clean), then hourly; each run
    // deletes in chunks until nothing older than the retention is left (ADR 0076).
    this.pruneJob = new PeriodicJob(async () => {
      const n = await this.repo.prune(this.options.dedupeRetentionDays);
      if (n > 0) this.log.log(`pruned ${n} dedupe ids older than ${this.options.dedupeRetentionDays} days`);
    }, 60 * 60 * 1000, (err) => this.log.warn(`prune failed: ${err.message}`));
  }

  onModuleInit(): void {
    this.pruneJob.start();
  }

  onApplicationBootstrap(): void {
    // Read the registry to its end now, not at the first webhook: readiness depends on it.
    this.catchUp.startAtBoot();
  }

  async onApplicationShutdown(): Promise<void> {
    this.catchUp.stop();
    await this.pruneJob.stop();
    await this.writer.close();
  }

  /**
   * Ingress stamps each event with the app whose secret signed the webhook, and consumers trust
   * it; so a change naming another app's number or WABA is dropped here, counted and logged.
   */
  private boundToSigner(e: NormalizedEvent): boolean {
    const v = e.value as { appId: string; phoneNumberId?: string; wabaId?: string };
    const binding = this.ownership.check(v.appId, { phoneNumberId: v.phoneNumberId, wabaId: v.wabaId === 'unknown' ? undefined : v.wabaId });
    if (binding.verdict === 'bound') return true;
    if (binding.verdict === 'unknown') {
      const drop = this.options.unknownNumbers === 'drop';
      unbound.inc({ topic: e.topic, action: drop ? 'dropped' : 'accepted' });
      if (drop) this.log.warn(`dropped ${e.topic} signed by app ${v.appId}: number ${v.phoneNumberId ?? '-'} / WABA ${v.wabaId ?? '-'} is not registered`);
      return !drop;
    }
    crossApp.inc({ topic: e.topic, reason: binding.by });
    this.log.warn(
      `dropped ${e.topic} signed by app ${v.appId}: its ${binding.by === 'waba' ? `WABA ${v.wabaId}` : `number ${v.phoneNumberId}`} belongs to ${binding.owners.join(', ')}`,
    );
    return false;
  }

  /**
   * Inbound messages and statuses carry the tenant of their number (field and `tenant-id`
   * header), read from the registry this instance caught up with; a number no tenant has
   * registered leaves both absent rather than guessed (ADR 0090).
   */
  private stampTenant(e: NormalizedEvent): NormalizedEvent {
    if (e.topic === ACCOUNT_EVENT_V1.topic) return e;
    const tenantId = this.ownership.tenantOf(e.value.phoneNumberId);
    if (tenantId) e.value.tenantId = tenantId;
    return e;
  }

  /** Whether the group's committed offset is already past this message (its transaction committed). */
  private async committedPast(meta: KafkaBatchItem<WebhookReceivedV1>['meta']): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({ groupId: meta.groupId, topics: [meta.realTopic] });
      const committed = topic?.partitions.find((p) => p.partition === meta.partition)?.offset;
      return committed !== undefined && committed !== '-1' && BigInt(committed) > BigInt(meta.offset);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * One consumed batch of raw webhooks → one Postgres transaction (dedupe claims) around one
   * Kafka transaction (typed events + the batch's offset).
   */
  async handleBatch(items: KafkaBatchItem<WebhookReceivedV1>[]): Promise<void> {
    const last = items[items.length - 1];
    if (!last) return;
    // Which app owns which number must be known before a change can be judged (ADR 0071).
    await this.catchUp.wait();
    const events: NormalizedEvent[] = [];
    for (const { payload } of items) {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(payload.rawBody, 'base64').toString('utf8'));
      } catch {
        // Ingress only produces bodies it parsed, so this is a foreign or corrupt message.
        throw new PoisonMessageError('raw body is not JSON');
      }
      events.push(...normalizeWebhook(body, payload.appId, payload.receivedAt).filter((e) => this.boundToSigner(e)).map((e) => this.stampTenant(e)));
    }
    // The same id may repeat inside one body or batch; the first occurrence wins.
    const unique = [...new Map(events.map((e) => [e.dedupeKey, e])).values()];
    if (last.meta.attempt > 1 && (await this.committedPast(last.meta))) {
      // An earlier attempt's Kafka transaction committed (its events and this batch's offset)
      // and only the Postgres commit of its claims failed (the database went away in between):
      // record the claims, produce nothing again. Producing again here doubled an inbound
      // message in the Postgres-outage drill.
      await this.repo.withClaims(unique.map((e) => ({ key: e.dedupeKey, topic: e.topic })), async () => undefined);
      replayedClaims.inc(unique.length);
      return;
    }
    await this.repo.withClaims(unique.map((e) => ({ key: e.dedupeKey, topic: e.topic })), async (fresh) => {
      const out = unique.filter((e) => fresh.has(e.dedupeKey));
      await this.writer.write(
        out.map((e) => ({
          topic: e.topic, key: e.key, value: e.value,
          tenantId: e.topic === ACCOUNT_EVENT_V1.topic ? undefined : e.value.tenantId,
        })),
        last.meta,
      );
      for (const e of out) produced.inc({ topic: e.topic });
      duplicates.inc(events.length - out.length);
    });
  }
}
