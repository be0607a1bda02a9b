import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Delete, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@wabridge/http';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { CloudMediaErrorFilter } from './cloud-media.errors';
import { CloudMediaService } from './cloud-media.service';

/**
 * Router constraints (find-my-way regex params): only Meta's version form and our media ids
 * (ULIDs) reach these routes, so the two-segment `GET|DELETE /{version}/{media-id}` cannot
 * swallow `/v1/...`, `/docs/...` or any other path — those stay static or answer the usual 404.
 */
export const CLOUD_VERSION = '^v\\d+\\.\\d+$';
export const MEDIA_ID = '^[0-9A-HJKMNP-TV-Z]{26}$';
const PHONE_NUMBER_ID = '^\\d{1,32}$';

function optionalQuery(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) throw ApiError.badRequest(`${name} must be one phone number id`);
  return value;
}

/**
 * Meta's media endpoints, authenticated by our API key as the Bearer token and needing the
 * `media` scope (as `/v1/media` does), so a Cloud API client uploads, looks up and deletes media
 * through us unchanged (DESIGN.md §12, ADR 0105). Documented by hand in cloud-media.openapi.ts
 * (the regex constraints would otherwise show in the paths).
 */
@Controller()
@UseGuards(ApiAuthGuard)
@UseFilters(CloudMediaErrorFilter)
@ApiExcludeController()
export class CloudMediaController {
  constructor(private readonly media: CloudMediaService) {}

  /** Meta's multipart form (`messaging_product`, `type`, `file`), streamed to the media service → `{id}`. */
  @Post(`:version(${CLOUD_VERSION})/:phoneNumberId(${PHONE_NUMBER_ID})/media`)
  @RequireScopes('media')
  async upload(@CurrentPrincipal() p: Principal, @Param('phoneNumberId') phoneNumberId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.media.upload(p, phoneNumberId, req, reply);
    if (answer) await reply.status(200).send(answer);
  }

  /** `{messaging_product, url, mime_type, sha256, file_size, id}`; `url` needs the same Bearer (ADR 0106). */
  @Get(`:version(${CLOUD_VERSION})/:mediaId(${MEDIA_ID})`)
  @RequireScopes('media')
  async retrieve(
    @CurrentPrincipal() p: Principal,
    @Param('mediaId') mediaId: string,
    @Query('phone_number_id') phoneNumberId: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.media.retrieve(p, mediaId, optionalQuery(phoneNumberId, 'phone_number_id'), req, reply);
    if (answer) await reply.status(200).send(answer);
  }

  @Delete(`:version(${CLOUD_VERSION})/:mediaId(${MEDIA_ID})`)
  @RequireScopes('media')
  async remove(
    @CurrentPrincipal() p: Principal,
    @Param('mediaId') mediaId: string,
    @Query('phone_number_id') phoneNumberId: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.media.remove(p, mediaId, optionalQuery(phoneNumberId, 'phone_number_id'), req, reply);
    if (answer) await reply.status(200).send(answer);
  }
}
