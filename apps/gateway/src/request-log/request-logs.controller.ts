import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { ERROR_SCHEMA } from '../openapi';
import { REQUEST_LOG_PAGE_SCHEMA } from './request-logs.openapi';
import { RequestLogRepository, RequestLogView } from './request-log.repository';

export class ListRequestLogsQuery {
  /** An exact status (`404`) or a class (`4xx`). */
  @ApiPropertyOptional({ type: String, description: 'an exact status (404) or a class (4xx)' })
  @IsOptional() @Matches(/^(?:[1-5]\d\d|[1-5]xx)$/i, { message: 'status must be a status code (404) or a class (4xx)' })
  status?: string;
  /** A path prefix, e.g. `/v1/messages`. */
  @ApiPropertyOptional({ type: String, description: 'a path prefix, e.g. /v1/messages' }) @IsOptional() @IsString() @Length(1, 512) path?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) @IsOptional() @IsISO8601() since?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'cursor must be a nextCursor value' }) cursor?: string;
  @ApiPropertyOptional({ type: Number }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

/**
 * The tenant's API request log (DESIGN §12, ADR 0180): its own calls, newest first, bodies
 * redacted of tokens and secrets. Bodies of every route are in it, so reading it takes the
 * `admin` scope (every tenant's first key has it).
 */
@Controller('v1/request-logs')
@UseGuards(ApiAuthGuard)
@ApiTags('request-logs')
@ApiBearerAuth('apiKey')
export class RequestLogsController {
  constructor(private readonly logs: RequestLogRepository) {}

  @Get()
  @RequireScopes('admin')
  @ApiResponse({ status: 200, description: 'The calls, newest first; `nextCursor` pages on (null at the end).', schema: REQUEST_LOG_PAGE_SCHEMA })
  @ApiResponse({ status: 400, description: 'A bad filter', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 403, description: 'The credential lacks the admin scope', schema: ERROR_SCHEMA })
  async list(@CurrentPrincipal() principal: Principal, @Query() q: ListRequestLogsQuery): Promise<{ data: RequestLogView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const data = await this.logs.list(principal.tenantId, { status: q.status, path: q.path, since: q.since, cursor: q.cursor, limit });
    return { data, nextCursor: data.length === limit ? data[data.length - 1]!.id : null };
  }
}
