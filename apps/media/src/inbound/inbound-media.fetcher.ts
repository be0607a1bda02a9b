import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InboundMediaType, MediaFailureReason } from '@wabridge/contracts';
import { mediaTypeOf } from '@wabridge/http';
import { counter } from '@wabridge/telemetry';
import { MediaEnv } from '../media.env';
import { KnownNumber } from '../numbers/numbers.repository';
import { MEDIA_STORAGE, MediaStorage, TooLargeError } from '../storage/media-storage';
import { maxBytesOfKind } from '../upload/media-kinds';
import { classifyThrown, MediaFetchError } from './fetch-failure';
import { InboundJob } from './inbound-media.repository';
import { MetaMediaClient } from './meta-media.client';

const fetchRetries = counter<'cause'>('media_inbound_fetch_retries_total', 'Inbound media fetch tries retried, by cause (transient, url_expired, corrupt)', ['cause']);

/** Download URLs asked for in one try before the try counts as failed (each expired one is replaced at once). */
export const FRESH_URLS_PER_TRY = 3;

export type RoundOutcome =
  | { kind: 'stored'; mimeType: string; size: number; sha256: string }
  | { kind: 'failed'; reason: MediaFailureReason; message: string }
  | { kind: 'retry'; message: string };

/** Passes the bytes through, hashing them; fails at the end (before storage makes the object visible) if they are not Meta's. */
async function* verified(source: Readable, expectedSha256: string | undefined): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  for await (const chunk of source) {
    hash.update(chunk as Buffer);
    yield chunk as Buffer;
  }
  const actual = hash.digest('hex');
  if (expectedSha256 !== undefined && actual !== expectedSha256) {
    throw new MediaFetchError('corrupt', `the bytes' sha256 ${actual} is not Meta's ${expectedSha256}`);
  }
}

/**
 * One round of fetching an inbound media object (ADR 0103): up to `tries` tries with a short
 * backoff, each asking Graph for a (fresh) URL and streaming the download into storage under our
 * id, bounded by WhatsApp's limit for the message type, verified against Meta's sha256 before the
 * object becomes visible. An expired URL is replaced at once; a permanent refusal ends the round.
 */
@Injectable()
export class InboundMediaFetcher {
  constructor(
    private readonly client: MetaMediaClient,
    private readonly env: MediaEnv,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {}

  async round(job: InboundJob, number: KnownNumber, tries: number): Promise<RoundOutcome> {
    let last: MediaFetchError | undefined;
    let corrupt = 0;
    for (let t = 1; t <= tries; t++) {
      if (t > 1) await sleep(this.env.MEDIA_INBOUND_RETRY_BASE_MS * 2 ** (t - 2));
      try {
        return { kind: 'stored', ...(await this.once(job, number)) };
      } catch (err) {
        const failure = classifyThrown(err);
        if (failure.kind === 'permanent') return { kind: 'failed', reason: failure.reason ?? 'graph_refused', message: failure.message };
        if (failure.kind === 'corrupt') corrupt++;
        if (t < tries) fetchRetries.inc({ cause: failure.kind });
        last = failure;
      }
    }
    // bytes that never matched in a whole round: Meta serves something else than it describes
    if (corrupt === tries) return { kind: 'failed', reason: 'sha256_mismatch', message: last?.message ?? 'sha256 mismatch' };
    return { kind: 'retry', message: last?.message ?? 'failed' };
  }

  private async once(job: InboundJob, number: KnownNumber): Promise<{ mimeType: string; size: number; sha256: string }> {
    const limit = maxBytesOfKind(job.messageType as InboundMediaType);
    for (let fresh = 1; ; fresh++) {
      const meta = await this.client.retrieve(number, job.metaMediaId);
      if (meta.fileSize !== undefined && meta.fileSize > limit) {
        throw MediaFetchError.permanent('too_large', `Meta reports ${meta.fileSize} bytes; WhatsApp's limit for ${job.messageType} is ${limit}`);
      }
      let download;
      try {
        download = await this.client.download(number, meta.url);
      } catch (err) {
        if (err instanceof MediaFetchError && err.kind === 'url_expired' && fresh < FRESH_URLS_PER_TRY) {
          fetchRetries.inc({ cause: 'url_expired' });
          continue;
        }
        throw err;
      }
      const { body, length } = download;
      const source = Readable.from(verified(body, meta.sha256), { objectMode: false });
      try {
        if (length !== undefined && length > limit) {
          throw MediaFetchError.permanent('too_large', `the download is ${length} bytes; WhatsApp's limit for ${job.messageType} is ${limit}`);
        }
        const stored = await this.storage.put(job.id, source, { maxBytes: limit });
        return { mimeType: baseType(meta.mimeType), size: stored.size, sha256: stored.sha256 };
      } catch (err) {
        if (err instanceof TooLargeError) throw MediaFetchError.permanent('too_large', `the download exceeded WhatsApp's limit for ${job.messageType} (${limit} bytes)`);
        throw err;
      } finally {
        source.destroy();
        body.destroy();
      }
    }
  }
}

/** `audio/ogg; codecs=opus` → `audio/ogg` (as uploads are recorded). */
export function baseType(mimeType: string): string {
  return mediaTypeOf(mimeType).slice(0, 255) || 'application/octet-stream';
}
