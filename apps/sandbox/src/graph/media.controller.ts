import { Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { extensionOf } from '../media/media-types';
import { MediaService } from './media.service';
import { readUploadForm } from './upload-form';

/** Meta's media endpoints; the download URL mimics Meta's lookaside host on this server. */
@Controller()
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post(':version/:phoneNumberId/media')
  @HttpCode(200)
  async upload(@Param('version') version: string, @Param('phoneNumberId') phoneNumberId: string, @Headers('authorization') auth: string | undefined, @Req() req: FastifyRequest): Promise<{ id: string }> {
    return this.media.upload(version, phoneNumberId, auth, await readUploadForm(req));
  }

  @Get('whatsapp_business/attachments')
  download(@Query() query: Record<string, string | undefined>, @Headers('authorization') auth: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Buffer | Record<string, unknown> {
    const media = this.media.download(query, auth);
    if (media === 'unauthorized') {
      reply.status(401);
      return { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } };
    }
    if (media === null) {
      reply.status(404);
      return { error: { message: 'Media URL not found or expired', type: 'OAuthException', code: 100 } };
    }
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
  ): Record<string, unknown> {
    return this.media.retrieve(version, mediaId, auth, phoneNumberId, `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`);
  }

  @Delete(':version/:mediaId')
  remove(@Param('version') version: string, @Param('mediaId') mediaId: string, @Query('phone_number_id') phoneNumberId: string | undefined, @Headers('authorization') auth: string | undefined): { success: boolean } {
    return this.media.delete(version, mediaId, auth, phoneNumberId);
  }
}
