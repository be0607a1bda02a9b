import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { TemplatesService, TemplateView } from './templates.service';

export class CreateTemplateDto {
  @ApiProperty({ type: String }) @IsString() @Matches(/^\d{1,32}$/) wabaId!: string;
  @ApiProperty({ type: String }) @IsString() @Length(1, 512) @Matches(/^[a-z0-9_]+$/, { message: 'name may hold only lowercase letters, digits and underscores' }) name!: string;
  @ApiProperty({ type: String }) @IsString() @Matches(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/) language!: string;
  @ApiProperty({ type: String }) @IsIn(['MARKETING', 'UTILITY', 'AUTHENTICATION']) category!: string;
  @ApiProperty({ type: Object, isArray: true }) @IsArray() components!: Record<string, unknown>[];
}

export class ListTemplatesQuery {
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Matches(/^\d{1,32}$/) wabaId?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @Type(() => String) @IsIn(['true', 'false']) refresh?: string;
}

/** Message templates of the tenant's WABAs (`/v1/templates`). */
@Controller('v1/templates')
@UseGuards(ApiAuthGuard)
@ApiTags('templates')
@ApiBearerAuth('apiKey')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @RequireScopes('messages:read')
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListTemplatesQuery): Promise<{ data: TemplateView[] }> {
    return { data: await this.templates.list(p.tenantId, q.wabaId, q.refresh === 'true') };
  }

  @Get(':id')
  @RequireScopes('messages:read')
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<TemplateView> {
    return this.templates.get(p.tenantId, id);
  }

  @Post()
  @RequireScopes('messages:send')
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateTemplateDto): Promise<TemplateView> {
    return this.templates.create(p.tenantId, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('messages:send')
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.templates.remove(p.tenantId, id);
  }
}
