import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ulid } from 'ulid';
import { MEDIA_STORED_V1, MediaStoredV1 } from '@wabridge/contracts';
import { ApiError, discardRest } from '@wabridge/http';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { Clock } from '@wabridge/time';
import { inboundUnavailable } from '../inbound/inbound-media.errors';
import { InboundMediaRepository } from '../inbound/inbound-media.repository';
import { CLOCK } from '../media.tokens';
import { MediaEnv } from '../media.env';
import { GraphClient } from '../numbers/graph-client';
import { NumbersRepository } from '../numbers/numbers.repository';
import { ByteRange, MEDIA_STORAGE, MediaStorage, TooLargeError } from '../storage/media-storage';
import { readHead } from '../upload/discard';
import { extensionOf, sniff, SNIFF_BYTES, UnsupportedTypeError } from '../upload/media-kinds';
import { MediaRepository, MediaRow } from './media.repository';
import { mediaView } from './media.view';

const uploads = counter<'outcome'>('media_uploads_total', 'Uploads by outcome', ['outcome']);

export interface UploadInput {
  tenantId: string;
  phoneNumberId: string;
  body: Readable;
  declaredType?: string;
  filename?: string;
}

const closeHeaders = (clean: boolean): Record<string, string> | undefined => (clean ? undefined : { connection: 'close' });

@Injectable()
export class MediaService {
  private readonly log = new Logger('MediaService');

  constructor(
    private readonly media: MediaRepository,
    private readonly numbers: NumbersRepository,
    private readonly graph: GraphClient,
    private readonly producer: EventProducer,
    private readonly env: MediaEnv,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inbound: InboundMediaRepository,
  ) {}

  /** Sniffs, checks the kind's limit, stores (streamed, hashed), then uploads to the number's Graph. */
  async upload(input: UploadInput) {
    const number = await this.numbers.find(input.phoneNumberId);
    if (number && number.tenantId !== input.tenantId) {
      await discardRest(input.body);
      throw ApiError.notFound(`phone number ${input.phoneNumberId}`);
    }
    const head = await readHead(input.body, SNIFF_BYTES);
    if (head.length === 0) throw ApiError.badRequest('the file is empty');
    let kind;
    try {
      kind = await sniff(head, input.declaredType);
    } catch (err) {
      if (!(err instanceof UnsupportedTypeError)) throw err;
      uploads.inc({ outcome: 'unsupported_type' });
      const clean = await discardRest(input.body);
      throw new ApiError(415, 'unsupported_media_type', err.message, { detected: err.detected ?? null }, closeHeaders(clean));
    }
    const id = ulid();
    let stored;
    try {
      stored = await this.storage.put(id, input.body, { head, maxBytes: kind.maxBytes });
    } catch (err) {
      if (!(err instanceof TooLargeError)) {
        await discardRest(input.body);
        throw err;
      }
      uploads.inc({ outcome: 'too_large' });
      const clean = await discardRest(input.body);
      throw new ApiError(413, 'media_too_large', `${kind.mimeType} (${kind.kind}) is limited to ${kind.maxBytes} bytes by WhatsApp; the file is larger`,
        { mimeType: kind.mimeType, kind: kind.kind, limitBytes: kind.maxBytes }, closeHeaders(clean));
    }
    const row: MediaRow = {
      id, tenantId: input.tenantId, phoneNumberId: input.phoneNumberId, direction: 'outbound', mimeType: kind.mimeType, size: stored.size,
      sha256: stored.sha256, filename: input.filename?.slice(0, 255) || null, storageKey: id, metaMediaId: null, wamid: null, createdAt: new Date(this.clock.now()),
    };
    try {
      await this.media.insert(row);
    } catch (err) {
      await this.storage.delete(id);
      throw err;
    }
    uploads.inc({ outcome: 'stored' });
    if (number) {
      const metaMediaId = await this.graph.upload(number, { size: stored.size, open: () => this.storage.get(id) }, kind.mimeType, row.filename ?? `${id}.${extensionOf(kind.mimeType)}`);
      if (metaMediaId) {
        await this.media.setMetaMediaId(id, metaMediaId, new Date(this.clock.now()));
        row.metaMediaId = metaMediaId;
      }
    }
    await this.publishStored(row);
    const view = mediaView(row);
    return { id: view.id, phoneNumberId: view.phoneNumberId, mimeType: view.mimeType, size: view.size, sha256: view.sha256, ...(row.metaMediaId ? { metaMediaId: row.metaMediaId } : {}) };
  }

  async get(tenantId: string, id: string): Promise<MediaRow> {
    const row = await this.media.find(tenantId, id);
    if (!row) {
      // an inbound id the notifier announced before the object was stored: say why (ADR 0102)
      const state = await this.inbound.findState(tenantId, id);
      throw (state && inboundUnavailable(state)) ?? ApiError.notFound(`media ${id}`);
    }
    return row;
  }

  async content(tenantId: string, id: string, range?: ByteRange): Promise<{ row: MediaRow; stream: Readable }> {
    const row = await this.get(tenantId, id);
    try {
      return { row, stream: await this.storage.get(row.storageKey, range) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.log.error(`media ${id}: row without stored bytes (${row.storageKey})`);
        throw new ApiError(410, 'media_gone', `the bytes of media ${id} are no longer stored`);
      }
      throw err;
    }
  }

  async list(tenantId: string, q: { phoneNumberId?: string; direction?: string; cursor?: string }) {
    const limit = this.env.MEDIA_PAGE_SIZE;
    const rows = await this.media.list(tenantId, { phoneNumberId: q.phoneNumberId, direction: q.direction, before: q.cursor }, limit + 1);
    const page = rows.slice(0, limit);
    return {
      data: page.map((r) => {
        const v = mediaView(r);
        return { id: v.id, mimeType: v.mimeType, size: v.size, sha256: v.sha256, direction: v.direction, ...(v.wamid ? { wamid: v.wamid } : {}), createdAt: v.createdAt };
      }),
      nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const key = await this.media.delete(tenantId, id);
    if (key === undefined) throw ApiError.notFound(`media ${id}`);
    await this.storage.delete(key);
  }

  private async publishStored(row: MediaRow): Promise<void> {
    const value: MediaStoredV1 = {
      tenantId: row.tenantId, phoneNumberId: row.phoneNumberId, mediaId: row.id, direction: row.direction, mimeType: row.mimeType,
      size: row.size, sha256: row.sha256, storedAt: new Date(row.createdAt).toISOString(),
      ...(row.metaMediaId ? { metaMediaId: row.metaMediaId } : {}), ...(row.wamid ? { wamid: row.wamid } : {}),
    };
    await this.producer.send(contractEvent(MEDIA_STORED_V1, row.id, value, { tenantId: row.tenantId }));
  }
}
