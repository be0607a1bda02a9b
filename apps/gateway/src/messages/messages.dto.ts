import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { LISTED_MESSAGE_STATUSES } from './messages.openapi';

export class ListMessagesQuery {
  @ApiPropertyOptional({ enum: LISTED_MESSAGE_STATUSES }) @IsOptional() @IsIn(LISTED_MESSAGE_STATUSES)
  status?: string;
  /** E.164 (with or without +) or a business-scoped user id. */
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 128) to?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsISO8601() since?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'cursor must be a nextCursor value' }) cursor?: string;
  @ApiPropertyOptional({ type: Number }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class MarkReadBody {
  @ApiProperty({ type: String }) @IsString() @Matches(/^\d{1,32}$/) phoneNumberId!: string;
}
