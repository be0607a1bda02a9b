import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { ApiError, TenantId } from '@wabridge/http';
import { ContactsAuthGuard } from '../common/contacts-auth.guard';
import { CLOCK, Clock } from '../common/clock';
import { ImportService, importFormat } from '../import/import.service';
import { SettingsRepository } from '../settings/settings.repository';
import { MAX_KEYWORDS, normalizeKeyword } from '../settings/keywords';
import { ContactsService } from './contacts.service';
import { CreateContactBody, ImportQuery, KeywordsBody, ListContactsQuery, PatchContactBody } from './dto/contacts.dto';
import { DataSource } from 'typeorm';


/** Internal API behind the gateway's `/v1/contacts` (tenant from `x-tenant-id`, internal token required). */
@Controller('v1/contacts')
@UseGuards(ContactsAuthGuard)
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly imports: ImportService,
    private readonly settings: SettingsRepository,
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@TenantId() tenantId: string, @Query() query: ListContactsQuery) {
    return this.contacts.list(tenantId, query);
  }

  /** One contact by phone (201 when new, 200 when it existed; attributes merged, tags added). */
  @Post()
  async create(@TenantId() tenantId: string, @Body() body: CreateContactBody, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.imports.import(tenantId, Readable.from([JSON.stringify([body])]), 'json', {});
    const err = report.errors[0];
    if (err) throw ApiError.badRequest(err.error);
    const found = await this.contacts.findByPhone(tenantId, body.phoneNumberId, body.phone);
    reply.status(report.created > 0 ? 201 : 200);
    return found;
  }

  @Get('keywords')
  async keywords(@TenantId() tenantId: string) {
    return this.settings.keywords(this.ds, tenantId);
  }

  @Put('keywords')
  async setKeywords(@TenantId() tenantId: string, @Body() body: KeywordsBody) {
    const clean = (list: string[]): string[] => [...new Set(list.map((k) => k.trim()).filter((k) => normalizeKeyword(k).length > 0))];
    const optOut = clean(body.optOutKeywords);
    const optIn = body.optInKeywords ? clean(body.optInKeywords) : (await this.settings.keywords(this.ds, tenantId)).optInKeywords;
    if (optOut.length > MAX_KEYWORDS || optIn.length > MAX_KEYWORDS) throw ApiError.badRequest(`at most ${MAX_KEYWORDS} keywords per list`);
    const overlap = optOut.filter((k) => optIn.some((i) => normalizeKeyword(i) === normalizeKeyword(k)));
    if (overlap.length > 0) throw ApiError.badRequest(`keywords in both lists: ${overlap.join(', ')}`);
    await this.settings.setKeywords(this.ds, tenantId, optOut, optIn, this.clock.now());
    return this.settings.keywords(this.ds, tenantId);
  }

  /** CSV (`text/csv`), JSON array (`application/json`) or NDJSON (`application/x-ndjson`), streamed. */
  @Post('import')
  @HttpCode(200)
  async import(@TenantId() tenantId: string, @Query() query: ImportQuery, @Req() req: FastifyRequest) {
    const format = importFormat(req.headers['content-type']);
    if (!format) throw new ApiError(415, 'unsupported_media_type', 'send text/csv, application/json or application/x-ndjson');
    const body = req.body;
    if (!(body instanceof Readable)) throw ApiError.badRequest('empty body');
    return this.imports.import(tenantId, body, format, { phoneNumberId: query.phoneNumberId });
  }

  @Get(':id')
  get(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.contacts.get(tenantId, id);
  }

  @Patch(':id')
  patch(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: PatchContactBody) {
    return this.contacts.patch(tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async erase(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    await this.contacts.erase(tenantId, id);
  }

  @Post(':id/opt-out')
  @HttpCode(200)
  optOut(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.contacts.setOpt(tenantId, id, true);
  }

  @Post(':id/opt-in')
  @HttpCode(200)
  optIn(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.contacts.setOpt(tenantId, id, false);
  }

  @Get(':id/export')
  export(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.contacts.export(tenantId, id);
  }
}
