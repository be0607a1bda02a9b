import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  HEADER, inboundMediaId, InboundMessageV1, isInboundMediaType, MEDIA_FAILED_V1, MEDIA_STORED_V1, MediaFailedV1, MediaFailureReason, MediaStoredV1,
  metaMediaIdOf,
} from '@wabridge/contracts';
import { EventProducer } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { Clock, systemRandom } from '@wabridge/time';
import { MediaEnv } from '../media.env';
import { CLOCK } from '../media.tokens';
import { KnownNumber, NumbersRepository } from '../numbers/numbers.repository';
import { MEDIA_STORAGE, MediaStorage } from '../storage/media-storage';
import { roundBackoffMs } from './fetch-failure';
import { InboundMediaFetcher, RoundOutcome } from './inbound-media.fetcher';
import { InboundJob, InboundMediaRepository, StoredInbound, Unannounced } from './inbound-media.repository';

const outcomes = counter<'outcome'>(
  'media_inbound_total',
  'Inbound media messages by what happened (stored, failed, retry_scheduled, duplicate, no_tenant, no_media_id)',
  ['outcome'],
);
const failures = counter<'reason'>('media_inbound_failed_total', 'Inbound media recorded as failed, by reason (also on wa.media.failed.v1)', ['reason']);

/**
 * Inbound media: every media message on `wa.inbound.message.v1` is fetched from Meta (URL from
 * `GET /{media-id}`, bytes streamed to storage, sha256 checked) under our deterministic id and
 * announced on `wa.media.stored.v1`, or recorded as failed and announced on `wa.media.failed.v1`
 * (ADR 0102, 0103). The consumer tries one bounded round; later rounds belong to the sweeper.
 */
@Injectable()
export class InboundMediaService {
  private readonly log = new Logger('InboundMedia');

  constructor(
    private readonly repo: InboundMediaRepository,
    private readonly numbers: NumbersRepository,
    private readonly fetcher: InboundMediaFetcher,
    private readonly producer: EventProducer,
    private readonly env: MediaEnv,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** How long one round may hold an object before another worker may take it (a crashed worker's claim runs out). */
  get leaseMs(): number {
    const tryMs = this.env.MEDIA_INBOUND_RETRIEVE_TIMEOUT_MS * 3 + this.env.MEDIA_INBOUND_DOWNLOAD_TIMEOUT_MS;
    return this.env.MEDIA_INBOUND_TRIES * tryMs + this.env.MEDIA_INBOUND_RETRY_BASE_MS * 2 ** this.env.MEDIA_INBOUND_TRIES + 30_000;
  }

  /** The consumer's edge: a media message is claimed (once per tenant and Meta media id) and fetched in one bounded round. */
  async onInbound(e: InboundMessageV1): Promise<void> {
    if (!isInboundMediaType(e.type)) return;
    const metaMediaId = metaMediaIdOf(e);
    if (metaMediaId === undefined) {
      outcomes.inc({ outcome: 'no_media_id' });
      this.log.warn(`inbound ${e.type} ${e.wamid} names no Meta media id: nothing to fetch`);
      return;
    }
    const number = await this.numbers.find(e.phoneNumberId);
    const tenantId = e.tenantId ?? number?.tenantId;
    if (!tenantId) {
      // no tenant to store it for or to tell: counted and logged, the event stays on the topic for a replay
      outcomes.inc({ outcome: 'no_tenant' });
      this.log.warn(`inbound ${e.type} ${e.wamid} for number ${e.phoneNumberId}: no tenant owns the number; media ${metaMediaId} not fetched`);
      return;
    }
    const content = e.raw[e.type] as Record<string, unknown>;
    const filename = e.type === 'document' && typeof content['filename'] === 'string' ? content['filename'].slice(0, 255) : null;
    const now = this.clock.now();
    const job = await this.repo.claimOnArrival(
      { tenantId, metaMediaId, id: inboundMediaId({ tenantId, metaMediaId, occurredAt: e.occurredAt }), phoneNumberId: e.phoneNumberId, wamid: e.wamid, messageType: e.type, filename },
      new Date(now), new Date(now + this.leaseMs), { waId: e.waId ?? null, userId: e.userId ?? null },
    );
    if (!job) {
      outcomes.inc({ outcome: 'duplicate' });
      return;
    }
    await this.work(job, number);
  }

  /** One round for a claimed object, and its outcome recorded (and announced). */
  async work(job: InboundJob, known?: KnownNumber): Promise<void> {
    const number = known ?? (await this.numbers.find(job.phoneNumberId));
    const round = job.attempts + 1;
    const outcome: RoundOutcome = number
      ? await this.fetcher.round(job, number, this.env.MEDIA_INBOUND_TRIES)
      : { kind: 'failed', reason: 'number_unknown', message: `number ${job.phoneNumberId} has no Graph config (wa.number.changed.v1)` };
    const at = new Date(this.clock.now());
    if (outcome.kind === 'stored') {
      const stored: StoredInbound = { mimeType: outcome.mimeType, size: outcome.size, sha256: outcome.sha256, storedAt: at };
      if (await this.repo.markStored(job, stored, round)) {
        outcomes.inc({ outcome: 'stored' });
        await this.announce({ ...job, attempts: round, status: 'stored', failureReason: null, lastError: null, updatedAt: at, stored });
      } else if (!(await this.repo.hasMediaRow(job.tenantId, job.id))) {
        // finished (failed, or stored and deleted since) by someone else meanwhile: the bytes we wrote belong to nobody
        await this.storage.delete(job.id);
      }
      return;
    }
    if (outcome.kind === 'retry' && round < this.env.MEDIA_INBOUND_MAX_ROUNDS) {
      const next = new Date(at.getTime() + roundBackoffMs(round, this.env.MEDIA_INBOUND_ROUND_BACKOFF_MS, this.env.MEDIA_INBOUND_ROUND_BACKOFF_MAX_MS, systemRandom));
      await this.repo.reschedule(job, round, next, outcome.message, at);
      outcomes.inc({ outcome: 'retry_scheduled' });
      this.log.warn(`inbound media ${job.id} (Meta ${job.metaMediaId}) round ${round} failed, next at ${next.toISOString()}: ${outcome.message}`);
      return;
    }
    const reason: MediaFailureReason = outcome.kind === 'failed' ? outcome.reason : 'retries_exhausted';
    const message = outcome.kind === 'failed' ? outcome.message : `${round} rounds failed; last: ${outcome.message}`;
    if (await this.repo.markFailed(job, reason, message, round, at)) {
      outcomes.inc({ outcome: 'failed' });
      failures.inc({ reason });
      this.log.warn(`inbound media ${job.id} (Meta ${job.metaMediaId}, tenant ${job.tenantId}, ${job.wamid}) failed: ${reason}: ${message}`);
      await this.announce({ ...job, attempts: round, status: 'failed', failureReason: reason, lastError: message, updatedAt: at, stored: null });
    }
  }

  /**
   * Publishes an outcome and records that it is out. A Kafka failure is logged and left to the
   * sweeper (the outcome itself is already durable), so the consumer does not redo the fetch.
   */
  async announce(o: Unannounced): Promise<void> {
    try {
      if (o.status === 'stored' && o.stored) {
        const value: MediaStoredV1 = {
          tenantId: o.tenantId, phoneNumberId: o.phoneNumberId, mediaId: o.id, metaMediaId: o.metaMediaId, wamid: o.wamid, direction: 'inbound',
          mimeType: o.stored.mimeType, size: o.stored.size, sha256: o.stored.sha256, storedAt: new Date(o.stored.storedAt).toISOString(),
        };
        await this.producer.send({ topic: MEDIA_STORED_V1.topic, key: o.id, value, eventType: MEDIA_STORED_V1.topic, schemaVersion: MEDIA_STORED_V1.version, headers: { [HEADER.tenantId]: o.tenantId } });
      } else if (o.status === 'failed') {
        const value: MediaFailedV1 = {
          tenantId: o.tenantId, phoneNumberId: o.phoneNumberId, mediaId: o.id, metaMediaId: o.metaMediaId, wamid: o.wamid,
          reason: o.failureReason ?? 'retries_exhausted', message: o.lastError ?? '', attempts: o.attempts, failedAt: new Date(o.updatedAt).toISOString(),
        };
        await this.producer.send({ topic: MEDIA_FAILED_V1.topic, key: o.id, value, eventType: MEDIA_FAILED_V1.topic, schemaVersion: MEDIA_FAILED_V1.version, headers: { [HEADER.tenantId]: o.tenantId } });
      }
      // a stored object deleted before its event went out has nothing left to announce
      await this.repo.markAnnounced(o.tenantId, o.metaMediaId);
    } catch (err) {
      this.log.warn(`inbound media ${o.id}: ${o.status} event not published yet (the sweeper retries): ${(err as Error).message}`);
    }
  }
}
