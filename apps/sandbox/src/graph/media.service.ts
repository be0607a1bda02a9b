import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { GraphError } from '../common/graph-error';
import { bearerToken, checkVersion, invalidToken, unknownObject } from '../common/graph-errors';
import { IdFactory } from '../common/ids';
import { CLOCK, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { MediaStore, StoredMedia } from '../media/media-store';
import { allSupportedMimeTypes, extensionOf, mediaKindOf } from '../media/media-types';
import { NumberRegistry } from '../numbers/number-registry';

export interface UploadedFile {
  mimeType: string;
  bytes: Buffer;
}

export interface UploadForm {
  messagingProduct?: string;
  /** The `type` form field; Meta uses it when the file part has no usable content type. */
  type?: string;
  file?: UploadedFile;
}

/** Path of the download URL, shaped like Meta's lookaside URL. */
export const DOWNLOAD_PATH = '/whatsapp_business/attachments';

/**
 * Media endpoints: upload (type and size limits per kind as Meta's), retrieve the URL, delete,
 * and the download URL itself, which needs the owner's Bearer token and expires.
 */
@Injectable()
export class MediaService {
  private readonly urlKey = randomBytes(32);
  /** Downloads still to answer as expired (`POST /_sandbox/media/expire-next-urls`). */
  private expiring = 0;

  constructor(
    private readonly store: MediaStore,
    private readonly numbers: NumberRegistry,
    private readonly ids: IdFactory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings,
  ) {}

  upload(version: string, phoneNumberId: string, authorization: string | undefined, form: UploadForm): { id: string } {
    checkVersion(version);
    const number = this.numbers.get(phoneNumberId);
    if (!number) throw unknownObject(phoneNumberId, 'post');
    if (bearerToken(authorization) !== number.accessToken) throw invalidToken();
    if (form.messagingProduct === undefined) throw new GraphError(100, { details: 'The parameter messaging_product is required.' });
    if (form.messagingProduct !== 'whatsapp') throw new GraphError(100, { details: 'Param messaging_product must be one of {WHATSAPP}.' });
    if (!form.file) throw new GraphError(100, { details: 'The parameter file is required.' });
    const declared = form.file.mimeType && form.file.mimeType !== 'application/octet-stream' ? form.file.mimeType : (form.type ?? form.file.mimeType);
    const kind = mediaKindOf(declared);
    if (!kind) {
      throw new GraphError(100, { details: `Param file must be a file with one of the following types: ${allSupportedMimeTypes().join(', ')}. Received file of type '${declared.slice(0, 100)}'.` });
    }
    if (form.file.bytes.length > kind.maxBytes) {
      throw new GraphError(131053, { details: `Media file size (${form.file.bytes.length} bytes) is over the ${kind.kind} limit of ${kind.maxBytes} bytes.` });
    }
    if (form.file.bytes.length > this.settings.mediaStoreMaxBytes) throw new GraphError(131053, { details: 'Media file is larger than the sandbox media store.' });
    const stored = this.store.put(this.ids.numericId(), phoneNumberId, declared.split(';')[0]?.trim().toLowerCase() ?? declared, form.file.bytes);
    return { id: stored.id };
  }

  retrieve(version: string, mediaId: string, authorization: string | undefined, phoneNumberId: string | undefined, baseUrl: string): Record<string, unknown> {
    const media = this.authorized(version, mediaId, authorization, phoneNumberId, 'get');
    return {
      messaging_product: 'whatsapp',
      url: this.downloadUrl(media, baseUrl),
      mime_type: media.mimeType,
      sha256: media.sha256,
      // The spec types file_size as a string.
      file_size: String(media.bytes.length),
      id: media.id,
    };
  }

  delete(version: string, mediaId: string, authorization: string | undefined, phoneNumberId: string | undefined): { success: boolean } {
    this.authorized(version, mediaId, authorization, phoneNumberId, 'delete');
    return { success: this.store.delete(mediaId) };
  }

  /** Bytes behind a download URL; null when the URL is unknown, tampered with or expired (Meta answers 404). */
  download(query: { mid?: string; ext?: string; hash?: string }, authorization: string | undefined): StoredMedia | null | 'unauthorized' {
    const { mid, ext, hash } = query;
    if (!mid || !ext || !hash || !/^\d+$/.test(ext)) return null;
    if (!this.hashMatches(mid, ext, hash)) return null;
    if (Number(ext) * 1000 < this.clock.now()) return null;
    if (this.expiring > 0) {
      this.expiring--;
      return null;
    }
    const media = this.store.get(mid);
    if (!media) return null;
    const number = this.numbers.get(media.phoneNumberId);
    const token = bearerToken(authorization);
    if (!number || token === undefined || !this.numbers.wabaTokenValid(number.wabaId, token)) return 'unauthorized';
    return media;
  }

  /**
   * The next `count` downloads of valid URLs answer as if the URL had expired (404), as Meta's
   * do once their 5 minutes are over: lets a client's fresh-URL retry be tested without waiting.
   * Returns how many are still to come.
   */
  expireNextDownloads(count: number): number {
    this.expiring += count;
    return this.expiring;
  }

  /** A download URL for `media` (also used for inbound media the simulated user sends). */
  downloadUrl(media: StoredMedia, baseUrl: string): string {
    const ext = String(Math.floor((this.clock.now() + this.settings.mediaUrlTtlMs) / 1000));
    const hash = this.hash(media.id, ext);
    return `${baseUrl}${DOWNLOAD_PATH}?mid=${media.id}&ext=${ext}&hash=${hash}&format=${extensionOf(media.mimeType)}`;
  }

  private authorized(version: string, mediaId: string, authorization: string | undefined, phoneNumberId: string | undefined, method: 'get' | 'delete'): StoredMedia {
    checkVersion(version);
    const token = bearerToken(authorization);
    const media = this.store.get(mediaId);
    const owner = media ? this.numbers.get(media.phoneNumberId) : undefined;
    if (!media || !owner) {
      if (token === undefined || !this.numbers.list().some((n) => n.accessToken === token)) throw invalidToken();
      throw unknownObject(mediaId, method);
    }
    if (token === undefined || !this.numbers.wabaTokenValid(owner.wabaId, token)) throw invalidToken();
    if (phoneNumberId !== undefined && phoneNumberId !== media.phoneNumberId) throw unknownObject(mediaId, method);
    return media;
  }

  private hash(mid: string, ext: string): string {
    return createHmac('sha256', this.urlKey).update(`${mid}:${ext}`).digest('base64url').slice(0, 32);
  }

  private hashMatches(mid: string, ext: string, hash: string): boolean {
    const expected = Buffer.from(this.hash(mid, ext));
    const given = Buffer.from(hash);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
