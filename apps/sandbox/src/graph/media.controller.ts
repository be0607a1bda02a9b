import { Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphError } from '../common/graph-error';
import { invalidToken } from '../common/graph-errors';
import { extensionOf } from '../media/media-types';
import { WabaNode } from '../account/waba-node';
import { PhoneNumberNode } from '../onboarding/phone-number-node';
import { MediaService } from './media.service';
import { readUploadForm } from './upload-form';

/** Meta's media endpoints; the download URL mimics Meta's lookaside host on this server. */
@Controller()
export class MediaController {
  constructor(private readonly media: MediaService, private readonly phoneNumbers: PhoneNumberNode, private readonly wabas: WabaNode) {}

  @Post(':version/:phoneNumberId/media')
  @HttpCode(200)
  async upload(@Param('version') version: string, @Param('phoneNumberId') phoneNumberId: string, @Headers('authorization') auth: string | undefined, @Req() req: FastifyRequest): Promise<{ id: string }> {
    return this.media.upload(version, phoneNumberId, auth, await readUploadForm(req));
  }

  @Get('whatsapp_business/attachments')
  download(@Query() query: Record<string, string | undefined>, @Headers('authorization') auth: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const media = this.media.download(query, auth);
    if (media === 'unauthorized') throw invalidToken();
    if (media === null) throw new GraphError(100, { httpStatus: 404, details: 'The media URL is unknown or has expired; retrieve a new one with GET /{version}/{media-id}.' });
    reply.header('content-type', media.mimeType);
    reply.header('content-disposition', `attachment; filename=${media.id}.${extensionOf(media.mimeType)}`);
    return media.bytes;
  }

  @Get(':version/:mediaId')
  retrieve(
    @Param('version') version: string,
    @Param('mediaId') mediaId: string,
    @Query('phone_number_id') phoneNumberId: string | undefined,
    @Headers('authorization') auth: string | undefined,
    @Req() req: FastifyRequest,
    @Query('fields') fields: string | undefined,
  ): Record<string, unknown> {
    // `GET /{version}/{id}` is one Graph route for every object: a phone number's id reads its node.
    if (this.phoneNumbers.has(mediaId)) return this.phoneNumbers.read(version, mediaId, auth, fields);
    if (this.wabas.has(mediaId)) return this.wabas.read(version, mediaId, auth, fields);
    return this.media.retrieve(version, mediaId, auth, phoneNumberId, `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`);
  }

  @Delete(':version/:mediaId')
  remove(@Param('version') version: string, @Param('mediaId') mediaId: string, @Query('phone_number_id') phoneNumberId: string | undefined, @Headers('authorization') auth: string | undefined): { success: boolean } {
    return this.media.delete(version, mediaId, auth, phoneNumberId);
  }
}
