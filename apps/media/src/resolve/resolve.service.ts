import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
import { counter } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { MediaEnv } from '../media.env';
import { CLOCK } from '../media.tokens';
import { GraphClient } from '../numbers/graph-client';
import { KnownNumber, NumbersRepository } from '../numbers/numbers.repository';
import { MEDIA_STORAGE, MediaStorage } from '../storage/media-storage';
import { extensionOf, kindOfMimeType, MediaKind, mimeTypesOfKind } from '../upload/media-kinds';
import { LinkImporter } from './link-importer';
import { MetaIdsRepository, MetaUpload, SendableMedia } from './meta-ids.repository';

const resolves = counter<'outcome'>('media_resolves_total', 'Media named by sends resolved to a Meta media id, by outcome', ['outcome']);

/** Our media ids are ULIDs. */
export const OUR_MEDIA_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** What Meta's media ids look like (numeric): passed through as they are. */
export const META_MEDIA_ID = /^\d{1,32}$/;

export interface ResolveRequest {
  phoneNumberId: string;
  id?: string;
  link?: string;
  kind: MediaKind;
  /** When the send goes out (scheduled sends): the Meta id must be young enough then. */
  sendAt?: string;
}

/** An id uploaded this recently is always reused (concurrent resolves of a far-scheduled send upload once). */
const JUST_UPLOADED_MS = 60_000;

export interface Resolved {
  metaMediaId: string;
  /** Our media id (named, or created from the link); absent for a Meta id passed through. */
  mediaId?: string;
  /** How the Meta id was obtained. */
  source: 'meta-id' | 'cached' | 'uploaded' | 'link';
}

/**
 * Turns what a send names — our media id, a Meta id, or a link — into a Meta media id the
 * sending number can use now (ADR 0110). A cached Meta id is reused while younger than
 * MEDIA_META_ID_MAX_AGE_HOURS; otherwise the stored bytes are uploaded again, once: concurrent
 * resolves of one object wait on its row lock and reuse the id the first one saved.
 */
@Injectable()
export class ResolveService {
  private readonly log = new Logger('ResolveService');

  constructor(
    private readonly repo: MetaIdsRepository,
    private readonly numbers: NumbersRepository,
    private readonly graph: GraphClient,
    private readonly links: LinkImporter,
    private readonly env: MediaEnv,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async resolve(tenantId: string, req: ResolveRequest): Promise<Resolved> {
    if ((req.id === undefined) === (req.link === undefined)) throw ApiError.badRequest('name exactly one of id or link');
    if (req.link !== undefined) {
      await this.sendingNumber(tenantId, req.phoneNumberId);
      const stored = await this.links.import(tenantId, req.phoneNumberId, req.link, req.kind);
      if (!stored.metaMediaId) {
        resolves.inc({ outcome: 'graph_failed' });
        throw new ApiError(502, 'graph_upload_failed', `the link was stored as media ${stored.id}, but the upload to the number's Graph failed; send media ${stored.id} to retry`,
          { mediaId: stored.id });
      }
      resolves.inc({ outcome: 'link' });
      return { metaMediaId: stored.metaMediaId, mediaId: stored.id, source: 'link' };
    }
    const id = req.id!;
    if (!OUR_MEDIA_ID.test(id)) {
      if (META_MEDIA_ID.test(id)) {
        resolves.inc({ outcome: 'meta_id' });
        return { metaMediaId: id, source: 'meta-id' };
      }
      throw ApiError.notFound(`media ${id}`);
    }
    const row = await this.repo.find(this.repo.asQueryable(), tenantId, id);
    if (!row) {
      resolves.inc({ outcome: 'not_found' });
      throw ApiError.notFound(`media ${id}`);
    }
    this.assertKind(row, req.kind);
    const cached = await this.fresh(row, req);
    if (cached) {
      resolves.inc({ outcome: 'cached' });
      return { metaMediaId: cached.metaMediaId, mediaId: id, source: 'cached' };
    }
    const number = await this.sendingNumber(tenantId, req.phoneNumberId);
    return this.repo.transaction(async (q) => {
      const locked = await this.repo.find(q, tenantId, id, true);
      if (!locked) throw ApiError.notFound(`media ${id}`);
      // another resolve may have uploaded while this one waited for the lock
      const again = await this.fresh(locked, req, q);
      if (again) {
        resolves.inc({ outcome: 'cached' });
        return { metaMediaId: again.metaMediaId, mediaId: id, source: 'cached' as const };
      }
      const upload = await this.upload(number, locked);
      if (this.ownsColumns(locked, req.phoneNumberId)) await this.repo.saveOwn(q, tenantId, id, upload);
      else await this.repo.saveUpload(q, tenantId, id, req.phoneNumberId, upload);
      resolves.inc({ outcome: 'uploaded' });
      this.log.log(`media ${id} uploaded to Graph for ${req.phoneNumberId} on demand (${locked.metaMediaId ? 'previous id aged or for another number' : 'no Meta id yet'})`);
      return { metaMediaId: upload.metaMediaId, mediaId: id, source: 'uploaded' as const };
    });
  }

  /** The row's own Meta id columns serve the number an outbound object was uploaded through. */
  private ownsColumns(row: SendableMedia, phoneNumberId: string): boolean {
    return row.direction === 'outbound' && row.phoneNumberId === phoneNumberId;
  }

  /**
   * The cached Meta id, if it will still be younger than the safe age when the send goes out
   * (now, or its `sendAt`).
   */
  private async fresh(row: SendableMedia, req: ResolveRequest, q = this.repo.asQueryable()): Promise<MetaUpload | undefined> {
    const phoneNumberId = req.phoneNumberId;
    const found: MetaUpload | undefined = this.ownsColumns(row, phoneNumberId)
      ? (row.metaMediaId && row.metaUploadedAt ? { metaMediaId: row.metaMediaId, uploadedAt: row.metaUploadedAt } : undefined)
      : await this.repo.findUpload(q, row.tenantId, row.id, phoneNumberId);
    if (!found) return undefined;
    const now = this.clock.now();
    const lead = req.sendAt ? Math.max(0, Date.parse(req.sendAt) - now) : 0;
    const maxAgeMs = Math.max(this.env.MEDIA_META_ID_MAX_AGE_HOURS * 3_600_000 - lead, JUST_UPLOADED_MS);
    return now - new Date(found.uploadedAt).getTime() < maxAgeMs ? found : undefined;
  }

  private assertKind(row: SendableMedia, kind: MediaKind): void {
    const stored = kindOfMimeType(row.mimeType);
    if (kind === 'document' || stored === kind) return;
    throw new ApiError(400, 'media_kind_mismatch', `media ${row.id} is ${row.mimeType} (${stored ?? 'not sendable'}); a ${kind} send takes ${mimeTypesOfKind(kind).join(', ')}`,
      { mediaId: row.id, mimeType: row.mimeType });
  }

  /** The tenant's number with its Graph config (announced on wa.number.changed.v1). */
  private async sendingNumber(tenantId: string, phoneNumberId: string): Promise<KnownNumber> {
    const number = await this.numbers.find(phoneNumberId);
    if (number && number.tenantId !== tenantId) throw ApiError.notFound(`phone number ${phoneNumberId}`);
    if (!number) {
      // registered at the gateway, not yet applied here (the topic is consumed asynchronously)
      throw ApiError.unavailable(`phone number ${phoneNumberId} is not known to the media service yet; retry shortly`);
    }
    return number;
  }

  private async upload(number: KnownNumber, row: SendableMedia): Promise<MetaUpload> {
    const file = { size: row.size, open: () => this.storage.get(row.storageKey) };
    const result = await this.graph.uploadExplained(number, file, row.mimeType, row.filename ?? `${row.id}.${extensionOf(row.mimeType)}`);
    if ('failure' in result) {
      resolves.inc({ outcome: 'graph_failed' });
      if (/ENOENT/.test(result.failure)) throw new ApiError(410, 'media_gone', `the bytes of media ${row.id} are no longer stored`);
      throw new ApiError(502, 'graph_upload_failed', `uploading media ${row.id} to the number's Graph failed: ${result.failure}`, { mediaId: row.id });
    }
    return { metaMediaId: result.metaMediaId, uploadedAt: new Date(this.clock.now()) };
  }
}
