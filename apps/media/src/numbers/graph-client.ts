import { Injectable, Logger } from '@nestjs/common';
import { openAsBlob } from 'node:fs';
import { accessTokenAad, SecretBox } from '@wabridge/config';
import { counter } from '@wabridge/telemetry';
import { MediaEnv } from '../media.env';
import { KnownNumber } from './numbers.repository';

const graphUploads = counter<'outcome'>('media_graph_uploads_total', 'Uploads of stored media to the number\'s Graph /media endpoint', ['outcome']);

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
   * Uploads a stored file to `{graphBaseUrl}/{version}/{phoneNumberId}/media` (multipart, the file
   * streamed from disk); Meta's media id, or undefined when Graph is unreachable or refuses
   * (counted and logged: the caller answers without a Meta id, to be uploaded later on demand).
   */
  async upload(n: KnownNumber, path: string, mimeType: string, filename: string): Promise<string | undefined> {
    const result = await this.uploadExplained(n, path, mimeType, filename);
    return 'metaMediaId' in result ? result.metaMediaId : undefined;
  }

  /** As `upload`, but a failure comes back with its reason (a re-upload on demand reports it to the sender). */
  async uploadExplained(n: KnownNumber, path: string, mimeType: string, filename: string): Promise<{ metaMediaId: string } | { failure: string }> {
    try {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', mimeType);
      form.append('file', await openAsBlob(path, { type: mimeType }), filename);
      const url = `${n.graphBaseUrl.replace(/\/+$/, '')}/${n.graphApiVersion}/${encodeURIComponent(n.phoneNumberId)}/media`;
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${this.accessToken(n)}` }, body: form, signal: AbortSignal.timeout(this.env.MEDIA_GRAPH_TIMEOUT_MS) });
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
