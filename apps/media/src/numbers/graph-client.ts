import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { accessTokenAad, SecretBox } from '@wabridge/config';
import { MetaGraphClient, type GraphDownloadOutcome, type GraphOutcome, type GraphStreamBody, type GraphTarget } from '@wabridge/meta';
import { counter } from '@wabridge/telemetry';
import { MediaEnv } from '../media.env';
import { MAX_MEDIA_BYTES } from '../upload/media-kinds';
import { KnownNumber } from './numbers.repository';

const graphUploads = counter<'outcome'>('media_graph_uploads_total', 'Uploads of stored media to the number\'s Graph /media endpoint', ['outcome']);

/** A stored object to upload: its size and a way to read it (storage.get). */
export interface StoredFile {
  size: number;
  open(): Promise<Readable>;
}

/** A filename as a quoted multipart parameter (no quotes, backslashes or line breaks). */
function quoted(name: string): string {
  return `"${name.replace(/["\\\r\n]/g, '_')}"`;
}

/**
 * Meta's upload form (`messaging_product`, `type`, `file`) as one stream of known length: the
 * file part is read from storage as it is sent, never held whole.
 */
export async function multipartUpload(file: StoredFile, mimeType: string, filename: string): Promise<GraphStreamBody & { length: number }> {
  const boundary = `----wabridge${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${mimeType}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=${quoted(filename)}\r\nContent-Type: ${mimeType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const bytes = await file.open(); // opened first: a missing object fails here (ENOENT), not mid-request
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    let sent = 0;
    for await (const chunk of bytes) {
      sent += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (sent !== file.size) throw new Error(`stored object is ${sent} bytes, expected ${file.size}`);
    yield tail;
  }
  return { body: Readable.from(parts(), { objectMode: false }), length: head.length + file.size + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Media's Graph calls for a number (Meta, or the sandbox) with its access token: uploads to
 * `/{phone-number-id}/media`, a media object's retrieve and its download. The HTTP work is
 * libs/meta's Graph client (ADR 0187: keep-alive, connect and overall timeouts, bounded
 * answers, Meta's errors read by the taxonomy); this class adds the number's token, media's
 * timeouts and bounds, and turns an upload's outcome into media's answer.
 *
 * The agents are not closed at shutdown: their idle sockets do not hold the process open, and
 * closing them would cut transfers the inbound sweeper is still draining.
 */
@Injectable()
export class GraphClient {
  private readonly log = new Logger('GraphClient');
  private readonly box: SecretBox | null;
  private readonly graph: MetaGraphClient;

  constructor(private readonly env: MediaEnv) {
    this.box = env.ENCRYPTION_KEYS ? new SecretBox(env.ENCRYPTION_KEYS) : null;
    this.graph = new MetaGraphClient({ timeoutMs: env.MEDIA_GRAPH_TIMEOUT_MS });
  }

  /** The number's token in clear; throws when it does not open for the number's config. */
  accessToken(n: KnownNumber): string {
    if (!this.box) throw new Error('ENCRYPTION_KEYS is not set: cannot open access tokens');
    return this.box.open(n.accessToken, accessTokenAad(n));
  }

  /**
   * Uploads a stored object to `{graphBaseUrl}/{version}/{phoneNumberId}/media` (multipart, the
   * bytes streamed from storage, whichever it is: local disk or S3); Meta's media id, or undefined
   * when Graph is unreachable or refuses (counted and logged: the caller answers without a Meta
   * id, to be uploaded later on demand).
   */
  async upload(n: KnownNumber, file: StoredFile, mimeType: string, filename: string): Promise<string | undefined> {
    const result = await this.uploadExplained(n, file, mimeType, filename);
    return 'metaMediaId' in result ? result.metaMediaId : undefined;
  }

  /** As `upload`, but a failure comes back with its reason (a re-upload on demand reports it to the sender). */
  async uploadExplained(n: KnownNumber, file: StoredFile, mimeType: string, filename: string): Promise<{ metaMediaId: string } | { failure: string }> {
    let target: GraphTarget;
    let multipart: GraphStreamBody;
    try {
      target = this.target(n, this.accessToken(n));
      multipart = await multipartUpload(file, mimeType, filename);
    } catch (err) {
      return this.failed(n, (err as Error).message);
    }
    const r = await this.graph.request(target, 'POST', `${encodeURIComponent(n.phoneNumberId)}/media`, { stream: multipart, timeoutMs: this.env.MEDIA_GRAPH_TIMEOUT_MS });
    if (!r.ok) {
      if (r.kind !== 'http') return this.failed(n, r.error.message);
      graphUploads.inc({ outcome: 'refused' });
      const text = excerpt(r.body, r.raw);
      this.log.warn(`Graph upload for ${n.phoneNumberId} answered ${r.status}: ${text}`);
      return { failure: `Graph answered ${r.status}: ${text}` };
    }
    const id = (r.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') return this.failed(n, `no id in Graph's answer: ${excerpt(r.body, r.raw)}`);
    graphUploads.inc({ outcome: 'uploaded' });
    return { metaMediaId: id };
  }

  /** `GET /{version}/{media-id}?phone_number_id=…` (where to download an object, and what to expect) with the number's opened token. */
  retrieveMedia(n: KnownNumber, token: string, metaMediaId: string): Promise<GraphOutcome> {
    return this.graph.request(this.target(n, token), 'GET', encodeURIComponent(metaMediaId), {
      query: { phone_number_id: n.phoneNumberId },
      timeoutMs: this.env.MEDIA_INBOUND_RETRIEVE_TIMEOUT_MS,
    });
  }

  /**
   * The bytes behind a download URL Graph handed out, as a stream (never buffered) with the
   * number's opened token; the timeout covers the whole body, and no body beyond the largest
   * object any media kind admits is read (the caller bounds each kind tighter).
   */
  downloadMedia(url: string, token: string): Promise<GraphDownloadOutcome> {
    return this.graph.download(url, token, { timeoutMs: this.env.MEDIA_INBOUND_DOWNLOAD_TIMEOUT_MS, maxBytes: MAX_MEDIA_BYTES });
  }

  private target(n: KnownNumber, token: string): GraphTarget {
    return { baseUrl: n.graphBaseUrl, version: n.graphApiVersion, token };
  }

  private failed(n: KnownNumber, reason: string): { failure: string } {
    graphUploads.inc({ outcome: 'failed' });
    this.log.warn(`Graph upload for ${n.phoneNumberId} failed: ${reason}`);
    return { failure: `Graph upload failed: ${reason}` };
  }
}

/** At most 300 characters of Graph's answer, for logs and the sender. */
function excerpt(body: unknown, raw: string | undefined): string {
  return (raw ?? JSON.stringify(body) ?? '').slice(0, 300);
}
