import { Injectable } from '@nestjs/common';
import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
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

// node:http with keep-alive rather than fetch: a Graph call per object, two per inbound media,
// and fetch's web streams cost several times the CPU (profile of `npm run bench -- media`).
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

/** GET `url`; resolves with the response once its head is in. `signal` bounds the whole exchange, body included. */
function get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const https = u.protocol === 'https:';
    if (!https && u.protocol !== 'http:') return reject(new Error(`unsupported URL scheme ${u.protocol}`));
    const req = (https ? httpsRequest : httpRequest)(u, { method: 'GET', headers, agent: https ? agents.https : agents.http, signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** At most 4 kB of an answer's body, as JSON when it parses. */
async function readSmall(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    if (size < 4000) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) {
      res.destroy();
      break;
    }
  }
  const text = Buffer.concat(chunks).toString('utf8').slice(0, 4000);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const ok = (res: IncomingMessage): boolean => (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;

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
    const res = await get(url, { authorization: `Bearer ${this.token(n)}` }, AbortSignal.timeout(this.env.MEDIA_INBOUND_RETRIEVE_TIMEOUT_MS));
    const body = await readSmall(res);
    if (!ok(res)) throw classifyRetrieveAnswer(res.statusCode ?? 0, body);
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
    const res = await get(url, { authorization: `Bearer ${this.token(n)}` }, AbortSignal.timeout(this.env.MEDIA_INBOUND_DOWNLOAD_TIMEOUT_MS));
    if (!ok(res)) throw classifyDownloadAnswer(res.statusCode ?? 0, await readSmall(res));
    const length = Number(res.headers['content-length'] ?? NaN);
    return { body: res, length: Number.isSafeInteger(length) ? length : undefined };
  }
}
