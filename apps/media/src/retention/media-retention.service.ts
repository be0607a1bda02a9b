import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { counter } from '@wabridge/telemetry';
import { pruneEachTenant } from '@wabridge/database';
import { Clock, PeriodicJob } from '@wabridge/time';
import { MediaEnv } from '../media.env';
import { CLOCK } from '../media.tokens';
import { ObjectRemover } from './object-remover';
import { RetentionRepository } from './retention.repository';


const deleted = counter<'what'>(
  'media_retention_deleted_total',
  'Deleted by the media retention prune: objects (rows and bytes), failed_inbound (records of inbound media never stored)',
  ['what'],
);
const deletedBytes = counter('media_retention_deleted_bytes_total', 'Bytes of the objects deleted by the media retention prune');

export interface RetentionReport {
  objects: number;
  bytes: number;
  failedInbound: number;
}

/**
 * Media retention (ADR 0112): each tenant's objects (both directions: rows, bytes, inbound
 * state, per-number Meta ids) older than its `retentionDays` — or MEDIA_RETENTION_DAYS, 0 =
 * forever — go, oldest first in chunks of MEDIA_RETENTION_CHUNK_ROWS, and so do records of
 * inbound media that failed for good. Once at boot, then every MEDIA_RETENTION_INTERVAL_MS,
 * never twice at once in a process (replicas may overlap: each object's rows go once, and
 * deleting bytes twice is harmless).
 */
@Injectable()
export class MediaRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('MediaRetention');
  private readonly job: PeriodicJob;

  constructor(
    private readonly repo: RetentionRepository,
    private readonly remover: ObjectRemover,
    private readonly env: MediaEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.job = new PeriodicJob(() => this.prune(), env.MEDIA_RETENTION_INTERVAL_MS, (err) => this.log.warn(`media retention prune failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /**
   * A prune that starts after this call (a run already in progress is waited for first, since it
   * may have picked its rows before the caller's change). Never rejects; failures are logged.
   */
  async pruneNow(): Promise<void> {
    await this.job.trigger();
    await this.job.trigger();
  }

  private async prune(): Promise<RetentionReport> {
    const now = this.clock.now();
    const chunk = this.env.MEDIA_RETENTION_CHUNK_ROWS;
    const total: RetentionReport = { objects: 0, bytes: 0, failedInbound: 0 };
    try {
      // one tenant's failure (e.g. storage unreachable) does not keep the others' media
      await pruneEachTenant(await this.repo.tenants(), this.env.MEDIA_RETENTION_DAYS, now, async (tenantId, before) => {
        for (;;) {
          const due = await this.repo.expired(tenantId, before, chunk);
          if (due.length === 0) break;
          const r = await this.remover.remove(tenantId, due);
          total.objects += r.objects;
          total.bytes += r.bytes;
          deleted.inc({ what: 'objects' }, r.objects);
          deletedBytes.inc(r.bytes);
          if (due.length < chunk) break;
        }
        const failed = await this.repo.pruneFailed(tenantId, before, chunk);
        total.failedInbound += failed;
        deleted.inc({ what: 'failed_inbound' }, failed);
      });
    } finally {
      if (total.objects + total.failedInbound > 0) {
        this.log.log(`retention: ${total.objects} objects (${total.bytes} bytes) and ${total.failedInbound} failed inbound records deleted`);
      }
    }
    return total;
  }
}
