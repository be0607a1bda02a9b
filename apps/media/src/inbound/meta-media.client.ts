import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MediaEnv } from '../media.env';
import { GraphClient } from '../numbers/graph-client';
import { KnownNumber } from '../numbers/numbers.repository';
import { classifyDownloadAnswer, classifyRetrieveAnswer, MediaFetchError, normalizeSha256 } from './fetch-failure';

/** Meta's answer to `GET /{version}/{media-id}`: where to download, and what to expect. */
export interface RetrievedMedia {
  url: string;
  mimeType: string;
  /** Hex, when Meta gave one. */
  sha256?: string;
  fileSize?: number;
}

export interface Download {
  body: Readable;
  /** Content-Length, when sent. */
  length?: number;
}

async function readSmall(res: Response): Promise<unknown> {
  // an error answer is small; the read is bounded by the request's own timeout
  const text = (await res.text()).slice(0, 4000);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Graph's media retrieve and download for one number (Meta, or the sandbox), with the number's
 * Bearer token opened as the upload path opens it (GraphClient.accessToken, ADR 0072).
 * Failures are thrown as MediaFetchError, classified (fetch-failure.ts).
 */
@Injectable()
export class MetaMediaClient {
  constructor(
    private readonly graph: GraphClient,
    private readonly env: MediaEnv,
  ) {}

  private token(n: KnownNumber): string {
    try {
      return this.graph.accessToken(n);
    } catch (err) {
      throw MediaFetchError.permanent('auth_refused', `the access token of ${n.phoneNumberId} does not open: ${(err as Error).message}`);
    }
  }

  async retrieve(n: KnownNumber, metaMediaId: string): Promise<RetrievedMedia> {
    const url = `${n.graphBaseUrl.replace(/\/+$/, '')}/${n.graphApiVersion}/${encodeURIComponent(metaMediaId)}?phone_number_id=${encodeURIComponent(n.phoneNumberId)}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.token(n)}` }, signal: AbortSignal.timeout(this.env.MEDIA_INBOUND_RETRIEVE_TIMEOUT_MS) });
    const body = await readSmall(res);
    if (!res.ok) throw classifyRetrieveAnswer(res.status, body);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof b['url'] !== 'string' || !/^https?:\/\//.test(b['url'])) throw new MediaFetchError('transient', `no download url in Graph's answer: ${JSON.stringify(body).slice(0, 300)}`);
    const size = Number(b['file_size']);
    return {
      url: b['url'],
      mimeType: typeof b['mime_type'] === 'string' ? b['mime_type'] : 'application/octet-stream',
      sha256: normalizeSha256(b['sha256']),
      fileSize: Number.isSafeInteger(size) && size >= 0 ? size : undefined,
    };
  }

  /** The bytes behind a download URL, as a stream (never buffered); the timeout covers the whole body. */
  async download(n: KnownNumber, url: string): Promise<Download> {
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.token(n)}` }, signal: AbortSignal.timeout(this.env.MEDIA_INBOUND_DOWNLOAD_TIMEOUT_MS) });
    if (!res.ok) throw classifyDownloadAnswer(res.status, await readSmall(res));
    if (!res.body) throw new MediaFetchError('transient', 'the download answered without a body');
    const length = Number(res.headers.get('content-length') ?? NaN);
    return { body: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), length: Number.isSafeInteger(length) ? length : undefined };
  }
}
