import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { GraphFailure } from '@wabridge/meta';
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

/** A failed Graph call as the fetch's next step: Graph's answers by their status and code, anything else transient. */
function fetchErrorOf(f: GraphFailure, classifyAnswer: (status: number, body: unknown) => MediaFetchError): MediaFetchError {
  if (f.kind === 'http') return classifyAnswer(f.status, f.raw ?? f.body);
  return new MediaFetchError('transient', f.error.message);
}

/**
 * Graph's media retrieve and download for one number (Meta, or the sandbox), with the number's
 * Bearer token opened as the upload path opens it (GraphClient.accessToken, ADR 0072); the HTTP
 * work is the media GraphClient's (libs/meta's client, ADR 0187), over keep-alive sockets: fetch's
 * web streams cost several times the CPU per object (profile of `npm run bench -- media`).
 * Failures are thrown as MediaFetchError, classified (fetch-failure.ts).
 */
@Injectable()
export class MetaMediaClient {
  constructor(private readonly graph: GraphClient) {}

  private token(n: KnownNumber): string {
    try {
      return this.graph.accessToken(n);
    } catch (err) {
      throw MediaFetchError.permanent('auth_refused', `the access token of ${n.phoneNumberId} does not open: ${(err as Error).message}`);
    }
  }

  async retrieve(n: KnownNumber, metaMediaId: string): Promise<RetrievedMedia> {
    const r = await this.graph.retrieveMedia(n, this.token(n), metaMediaId);
    if (!r.ok) throw fetchErrorOf(r, classifyRetrieveAnswer);
    const body = r.body ?? r.raw;
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
    const r = await this.graph.downloadMedia(url, this.token(n));
    if (r.ok) return { body: r.body, length: r.length };
    // declared beyond any media kind's limit: no retry makes it smaller
    if (r.kind === 'too-large' && r.status >= 200 && r.status < 300) throw MediaFetchError.permanent('too_large', r.error.message);
    throw fetchErrorOf(r, classifyDownloadAnswer);
  }
}
