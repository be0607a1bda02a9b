import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  inboundMediaId, InboundMessageV1, isInboundMediaType, MEDIA_FAILED_V1, MEDIA_STORED_V1, MediaFailedV1, MediaFailureReason, MediaStoredV1,
  metaMediaIdOf,
} from '@wabridge/contracts';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { Clock, systemRandom } from '@wabridge/time';
import { MediaEnv } from '../media.env';
import { CLOCK } from '../media.tokens';
import { KnownNumber, NumbersRepository } from '../numbers/numbers.repository';
import { MEDIA_STORAGE, MediaStorage } from '../storage/media-storage';
import { roundBackoffMs } from './fetch-failure';
import { InboundMediaFetcher, RoundOutcome } from './inbound-media.fetcher';
import { InboundJob, InboundMediaRepository, Sender, StoredInbound, Unannounced } from './inbound-media.repository';

/** Objects whose outcome event went out, to be recorded as announced. */
type AnnouncedKeys = { tenantId: string; metaMediaId: string }[];

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

  /**
   * A consumed batch: the numbers read and the media objects claimed in one statement each, then
   * one round per claimed object, `concurrency` at a time (objects are independent: no order to
   * keep). If a dependency fails for one, the others finish first and the error is thrown (the
   * transport retries the batch; what was claimed or stored is skipped then).
   */
  async onInboundBatch(events: InboundMessageV1[], concurrency: number): Promise<void> {
    const media = events.filter((e) => isInboundMediaType(e.type));
    if (media.length === 0) return;
    const numbers = await this.numbers.findMany([...new Set(media.map((e) => e.phoneNumberId))]);
    const wanted = new Map<string, Omit<InboundJob, 'attempts'> & Sender>();
    for (const e of media) {
      const metaMediaId = metaMediaIdOf(e);
      if (metaMediaId === undefined) {
        outcomes.inc({ outcome: 'no_media_id' });
        this.log.warn(`inbound ${e.type} ${e.wamid} names no Meta media id: nothing to fetch`);
        continue;
      }
      const tenantId = e.tenantId ?? numbers.get(e.phoneNumberId)?.tenantId;
      if (!tenantId) {
        outcomes.inc({ outcome: 'no_tenant' });
        this.log.warn(`inbound ${e.type} ${e.wamid} for number ${e.phoneNumberId}: no tenant owns the number; media ${metaMediaId} not fetched`);
        continue;
      }
      const key = `${tenantId}\u0000${metaMediaId}`;
      if (wanted.has(key)) {
        outcomes.inc({ outcome: 'duplicate' });
        continue;
      }
      const content = e.raw[e.type] as Record<string, unknown>;
      const filename = e.type === 'document' && typeof content['filename'] === 'string' ? content['filename'].slice(0, 255) : null;
      wanted.set(key, {
        tenantId, metaMediaId, id: inboundMediaId({ tenantId, metaMediaId, occurredAt: e.occurredAt }), phoneNumberId: e.phoneNumberId,
        wamid: e.wamid, messageType: e.type, filename, waId: e.waId ?? null, userId: e.userId ?? null,
      });
    }
    const now = this.clock.now();
    const jobs = await this.repo.claimManyOnArrival([...wanted.values()], new Date(now), new Date(now + this.leaseMs));
    for (let i = jobs.length; i < wanted.size; i++) outcomes.inc({ outcome: 'duplicate' });
    let next = 0;
    let firstError: unknown;
    const announced: AnnouncedKeys = [];
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        try {
          await this.work(job, numbers.get(job.phoneNumberId), announced);
        } catch (err) {
          firstError ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
    // events out: recorded once for the batch (lost in a crash, the sweeper announces again: at least once)
    await this.repo.markAnnounced(announced).catch((err: Error) => this.log.warn(`announcements of ${announced.length} inbound media not recorded (the sweeper announces them again): ${err.message}`));
    if (firstError !== undefined) throw firstError;
  }

  /** One round for a claimed object, and its outcome recorded (and announced). */
  async work(job: InboundJob, known?: KnownNumber, announced?: AnnouncedKeys): Promise<void> {
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
        await this.announce({ ...job, attempts: round, status: 'stored', failureReason: null, lastError: null, updatedAt: at, stored }, announced);
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
      await this.announce({ ...job, attempts: round, status: 'failed', failureReason: reason, lastError: message, updatedAt: at, stored: null }, announced);
    }
  }

  /**
   * Publishes an outcome and records that it is out. A Kafka failure is logged and left to the
   * sweeper (the outcome itself is already durable), so the consumer does not redo the fetch.
   */
  async announce(o: Unannounced, announced?: AnnouncedKeys): Promise<void> {
    try {
      if (o.status === 'stored' && o.stored) {
        const value: MediaStoredV1 = {
          tenantId: o.tenantId, phoneNumberId: o.phoneNumberId, mediaId: o.id, metaMediaId: o.metaMediaId, wamid: o.wamid, direction: 'inbound',
          mimeType: o.stored.mimeType, size: o.stored.size, sha256: o.stored.sha256, storedAt: new Date(o.stored.storedAt).toISOString(),
        };
        await this.producer.send(contractEvent(MEDIA_STORED_V1, o.id, value, { tenantId: o.tenantId }));
      } else if (o.status === 'failed') {
        const value: MediaFailedV1 = {
          tenantId: o.tenantId, phoneNumberId: o.phoneNumberId, mediaId: o.id, metaMediaId: o.metaMediaId, wamid: o.wamid,
          reason: o.failureReason ?? 'retries_exhausted', message: o.lastError ?? '', attempts: o.attempts, failedAt: new Date(o.updatedAt).toISOString(),
        };
        await this.producer.send(contractEvent(MEDIA_FAILED_V1, o.id, value, { tenantId: o.tenantId }));
      }
      // a stored object deleted before its event went out has nothing left to announce
      // a consumed batch records its announcements in one statement at its end (`announced`)
      if (announced) announced.push({ tenantId: o.tenantId, metaMediaId: o.metaMediaId });
      else await this.repo.markAnnounced([{ tenantId: o.tenantId, metaMediaId: o.metaMediaId }]);
    } catch (err) {
      this.log.warn(`inbound media ${o.id}: ${o.status} event not published yet (the sweeper retries): ${(err as Error).message}`);
    }
  }
}
