import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ApiError, guardedGet, GuardedResponse, TargetGuard, TargetRefusedError, UpstreamFetchError } from '@wabridge/http';
import { counter } from '@wabridge/telemetry';
import { linkRequiresHttps, MediaEnv } from '../media.env';
import { MediaService } from '../media/media.service';
import { readHead } from '../upload/discard';
import { MAX_MEDIA_BYTES, MediaKind, mimeTypesOfKind, sniff, SNIFF_BYTES, UnsupportedTypeError } from '../upload/media-kinds';

const imports = counter<'outcome'>('media_link_imports_total', 'Links of sends fetched into storage, by outcome', ['outcome']);

/** The fetched body passed the kind's limit (the fetch is abandoned, nothing kept). */
class LinkTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`larger than ${limitBytes} bytes`);
  }
}

function tooLarge(mimeType: string, kind: string, limitBytes: number): ApiError {
  return new ApiError(413, 'media_too_large', `the link's content (${mimeType}, ${kind}) is larger than WhatsApp's limit of ${limitBytes} bytes`,
    { mimeType, kind, limitBytes });
}

/** The head already read, then the rest, failing as soon as more than `max` bytes went by. */
function capped(head: Buffer, rest: Readable, max: number): Readable {
  return Readable.from((async function* () {
    let seen = head.length;
    yield head;
    for await (const chunk of rest) {
      seen += (chunk as Buffer).length;
      if (seen > max) throw new LinkTooLargeError(max);
      yield chunk as Buffer;
    }
  })(), { objectMode: false });
}

function filenameOf(url: URL): string | undefined {
  const last = url.pathname.split('/').filter(Boolean).pop();
  if (!last) return undefined;
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    /* keep it encoded */
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return name.replace(/[\x00-\x1f\x7f/\\]/g, '_').slice(0, 255) || undefined;
}

/**
 * A send's `link`, fetched SSRF-guarded (ADR 0109) and stored through the upload path (sniffed,
 * the kind's limit, sha256, `wa.media.stored.v1`, uploaded to the number's Graph): the send
 * then names Meta's id for our copy, and what Meta fetches is never the tenant's URL.
 */
@Injectable()
export class LinkImporter {
  private readonly guard: TargetGuard;

  constructor(private readonly env: MediaEnv, private readonly media: MediaService) {
    this.guard = new TargetGuard({ allow: env.MEDIA_LINK_ALLOWED_TARGETS, allowSource: 'MEDIA_LINK_ALLOWED_TARGETS', purpose: 'media links', requireHttps: linkRequiresHttps(env) });
  }

  /** Our new media id and its Meta id, or an ApiError naming why the link was not taken. */
  async import(tenantId: string, phoneNumberId: string, link: string, kind: MediaKind): Promise<{ id: string; metaMediaId?: string }> {
    let res: GuardedResponse | undefined;
    try {
      res = await guardedGet(this.guard, link, {
        maxRedirects: this.env.MEDIA_LINK_MAX_REDIRECTS, connectTimeoutMs: this.env.MEDIA_LINK_CONNECT_TIMEOUT_MS, totalTimeoutMs: this.env.MEDIA_LINK_TIMEOUT_MS,
      });
      const declared = res.headers['content-type'];
      const length = Number(res.headers['content-length']);
      if (Number.isFinite(length) && length > MAX_MEDIA_BYTES) {
        imports.inc({ outcome: 'too_large' });
        throw new ApiError(413, 'media_too_large', `the link's content is ${length} bytes; WhatsApp takes at most ${MAX_MEDIA_BYTES}`, { limitBytes: MAX_MEDIA_BYTES });
      }
      const head = await readHead(res.body, SNIFF_BYTES);
      if (head.length === 0) throw new ApiError(415, 'unsupported_media_type', 'the link answered an empty body', { detected: null });
      let sniffed;
      try {
        sniffed = await sniff(head, declared);
      } catch (err) {
        if (!(err instanceof UnsupportedTypeError)) throw err;
        imports.inc({ outcome: 'unsupported_type' });
        throw new ApiError(415, 'unsupported_media_type', `the link's ${err.message}`, { detected: err.detected ?? null });
      }
      // a document send takes any stored type; the others only their own kind
      if (kind !== 'document' && sniffed.kind !== kind) {
        imports.inc({ outcome: 'wrong_kind' });
        throw new ApiError(415, 'unsupported_media_type', `the link's content is ${sniffed.mimeType} (${sniffed.kind}); a ${kind} send takes ${mimeTypesOfKind(kind).join(', ')}`,
          { detected: sniffed.mimeType });
      }
      if (Number.isFinite(length) && length > sniffed.maxBytes) {
        imports.inc({ outcome: 'too_large' });
        throw tooLarge(sniffed.mimeType, sniffed.kind, sniffed.maxBytes);
      }
      let stored;
      try {
        stored = await this.media.upload({
          tenantId, phoneNumberId, body: capped(head, res.body, sniffed.maxBytes), declaredType: typeof declared === 'string' ? declared : undefined, filename: filenameOf(res.url),
        });
      } catch (err) {
        if (err instanceof LinkTooLargeError || (err instanceof ApiError && err.code === 'media_too_large')) {
          imports.inc({ outcome: 'too_large' });
          throw tooLarge(sniffed.mimeType, sniffed.kind, sniffed.maxBytes);
        }
        throw err;
      }
      imports.inc({ outcome: stored.metaMediaId ? 'imported' : 'stored_not_uploaded' });
      return stored;
    } catch (err) {
      throw this.fetchError(err, link);
    } finally {
      res?.close();
    }
  }

  private fetchError(err: unknown, link: string): unknown {
    if (err instanceof TargetRefusedError) {
      imports.inc({ outcome: 'refused' });
      return new ApiError(400, 'media_url_refused', `the link ${link} ${err.message}`, { link, reason: err.message });
    }
    if (err instanceof UpstreamFetchError) {
      imports.inc({ outcome: 'upstream_failed' });
      return new ApiError(502, 'media_url_failed', `fetching the link ${link} failed: ${err.message}`, { link, ...(err.status ? { status: err.status } : {}) });
    }
    return err;
  }
}
