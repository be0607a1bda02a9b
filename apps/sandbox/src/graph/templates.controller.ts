import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { TemplatesService } from './templates.service';

@Controller(':version/:wabaId/message_templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  list(@Param('version') version: string, @Param('wabaId') wabaId: string, @Headers('authorization') auth: string | undefined, @Query() query: Record<string, string | undefined>): Record<string, unknown> {
    const filter: { name?: string; status?: string; limit?: string; after?: string } = {};
    if (query.name !== undefined) filter.name = query.name;
    if (query.status !== undefined) filter.status = query.status;
    if (query.limit !== undefined) filter.limit = query.limit;
    if (query.after !== undefined) filter.after = query.after;
    return this.templates.list(version, wabaId, auth, filter);
  }

  @Post()
  @HttpCode(200)
  create(@Param('version') version: string, @Param('wabaId') wabaId: string, @Headers('authorization') auth: string | undefined, @Body() body: unknown): Record<string, unknown> {
    return this.templates.create(version, wabaId, auth, body);
  }

  @Delete()
  remove(@Param('version') version: string, @Param('wabaId') wabaId: string, @Headers('authorization') auth: string | undefined, @Query('name') name: string | undefined): { success: boolean } {
    return this.templates.delete(version, wabaId, auth, name);
  }
}
