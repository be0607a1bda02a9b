import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/multipart';
import { Readable } from 'node:stream';
import { AcceptsBodyTypes, ApiError, TenantId } from '@wabridge/http';
import { MediaAuthGuard } from '../common/media-auth.guard';
import { extensionOf } from '../upload/media-kinds';
import { ListMediaQuery, UploadQuery } from './dto/media.dto';
import { MediaService } from './media.service';
import { mediaView } from './media.view';
import { parseRange } from './range';

export const UPLOAD_ROUTE = '/v1/media';

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Internal API behind the gateway's `/v1/media` (tenant from `x-tenant-id`, internal token required). */
@Controller('v1/media')
@UseGuards(MediaAuthGuard)
export class MediaController {
  constructor(private readonly media: MediaService) {}

  /** Multipart field `file`, or the raw bytes as the body; streamed to storage, never buffered whole. */
  @Post()
  @HttpCode(201)
  @AcceptsBodyTypes('text/plain')
  async upload(@TenantId() tenantId: string, @Query() query: UploadQuery, @Req() req: FastifyRequest) {
    if (req.isMultipart()) {
      const part = await req.file();
      if (!part || part.fieldname !== 'file') throw ApiError.badRequest('send the file in the multipart field "file"');
      return this.media.upload({ tenantId, phoneNumberId: query.phoneNumberId, body: part.file, declaredType: part.mimetype, filename: part.filename });
    }
    const body = req.body;
    if (!(body instanceof Readable)) throw ApiError.badRequest('send the file as multipart/form-data (field "file") or as the raw body with its Content-Type');
    return this.media.upload({ tenantId, phoneNumberId: query.phoneNumberId, body, declaredType: req.headers['content-type'] });
  }

  @Get()
  list(@TenantId() tenantId: string, @Query() query: ListMediaQuery) {
    return this.media.list(tenantId, query);
  }

  @Get(':id')
  async get(@TenantId() tenantId: string, @Param('id') id: string) {
    return mediaView(await this.media.get(tenantId, id));
  }

  /** The bytes, with one `Range` honoured (206). */
  @Get(':id/content')
  async content(@TenantId() tenantId: string, @Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const row = await this.media.get(tenantId, id);
    const range = parseRange(req.headers.range, row.size);
    if (range === 'unsatisfiable') {
      throw new ApiError(416, 'range_not_satisfiable', `the media is ${row.size} bytes long`, { size: row.size }, { 'content-range': `bytes */${row.size}` });
    }
    const { stream } = await this.media.content(tenantId, id, range);
    reply
      .header('content-type', row.mimeType)
      .header('content-disposition', contentDisposition(row.filename ?? `${row.id}.${extensionOf(row.mimeType)}`))
      .header('accept-ranges', 'bytes')
      .header('x-content-type-options', 'nosniff')
      .header('etag', `"${row.sha256}"`);
    if (range) {
      reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${row.size}`).header('content-length', String(range.end - range.start + 1));
    } else {
      reply.status(200).header('content-length', String(row.size));
    }
    await reply.send(stream);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    await this.media.delete(tenantId, id);
  }
}
