import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { accessTokenAad, SecretBox } from '@wabridge/config';
import { counter } from '@wabridge/telemetry';
import { MediaEnv } from '../media.env';
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
export async function multipartUpload(file: StoredFile, mimeType: string, filename: string): Promise<{ body: ReadableStream<Uint8Array>; length: number; contentType: string }> {
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
  return { body: Readable.toWeb(Readable.from(parts())) as ReadableStream<Uint8Array>, length: head.length + file.size + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Calls to the number's Graph API (Meta, or the sandbox) with its access token. */
@Injectable()
export class GraphClient {
  private readonly log = new Logger('GraphClient');
  private readonly box: SecretBox | null;

  constructor(private readonly env: MediaEnv) {
    this.box = env.ENCRYPTION_KEYS ? new SecretBox(env.ENCRYPTION_KEYS) : null;
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
    try {
      const multipart = await multipartUpload(file, mimeType, filename);
      const url = `${n.graphBaseUrl.replace(/\/+$/, '')}/${n.graphApiVersion}/${encodeURIComponent(n.phoneNumberId)}/media`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.accessToken(n)}`, 'content-type': multipart.contentType, 'content-length': String(multipart.length) },
        body: multipart.body, duplex: 'half', signal: AbortSignal.timeout(this.env.MEDIA_GRAPH_TIMEOUT_MS),
      } as RequestInit);
      const text = await res.text();
      if (!res.ok) {
        graphUploads.inc({ outcome: 'refused' });
        this.log.warn(`Graph upload for ${n.phoneNumberId} answered ${res.status}: ${text.slice(0, 300)}`);
        return { failure: `Graph answered ${res.status}: ${text.slice(0, 300)}` };
      }
      const id = (JSON.parse(text) as { id?: unknown }).id;
      if (typeof id !== 'string') throw new Error(`no id in Graph's answer: ${text.slice(0, 300)}`);
      graphUploads.inc({ outcome: 'uploaded' });
      return { metaMediaId: id };
    } catch (err) {
      graphUploads.inc({ outcome: 'failed' });
      this.log.warn(`Graph upload for ${n.phoneNumberId} failed: ${(err as Error).message}`);
      return { failure: `Graph upload failed: ${(err as Error).message}` };
    }
  }
}
