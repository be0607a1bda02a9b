import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsISO8601, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Scope, SCOPES } from '../auth/principal';
import { MAX_OVERLAP_SECONDS } from '../auth/oauth.service';

export class CreateOwnApiKeyDto {
  @ApiPropertyOptional({ type: String, description: 'A label shown in lists' }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ isArray: true, enum: SCOPES, description: 'At most the calling credential\'s scopes; default messages:send + messages:read' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(SCOPES, { each: true }) scopes?: Scope[];
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'The key answers 401 credential_expired from then on' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' }) expiresAt?: string;
}

export class RotateDto {
  @ApiPropertyOptional({ type: Number, description: `Seconds the old secret keeps working (0-${MAX_OVERLAP_SECONDS}, default 3600)` })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_OVERLAP_SECONDS) overlapSeconds?: number;
}

export class CreateOAuthClientDto {
  @ApiProperty({ type: String }) @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ isArray: true, enum: SCOPES, description: 'At most the calling credential\'s scopes; default messages:send + messages:read' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(SCOPES, { each: true }) scopes?: Scope[];
}
