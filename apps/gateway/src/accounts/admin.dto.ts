import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, Min } from 'class-validator';
import { MESSAGING_TIERS, MessagingTier } from '@wabridge/contracts';
import { Scope, SCOPES } from '../auth/principal';

export class CreateTenantDto {
  @ApiProperty({ type: String }) @IsString() @Length(1, 200) name!: string;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ isArray: true, enum: SCOPES }) @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(SCOPES, { each: true }) scopes?: Scope[];
}

export class CreateAppDto {
  @ApiProperty({ type: String }) @IsString() @Length(1, 128) @Matches(/^[A-Za-z0-9._-]+$/) appId!: string;
  @ApiProperty({ type: String }) @IsString() @Length(1, 512) appSecret!: string;
  @ApiProperty({ type: String }) @IsString() @Length(1, 512) verifyToken!: string;
}

export class CreateNumberDto {
  @ApiProperty({ type: String }) @IsString() @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be Meta\'s numeric phone number id' }) phoneNumberId!: string;
  @ApiProperty({ type: String }) @IsString() @Length(1, 32) displayPhoneNumber!: string;
  @ApiProperty({ type: String }) @IsString() @Matches(/^\d{1,32}$/, { message: 'wabaId must be a numeric WABA id' }) wabaId!: string;
  @ApiProperty({ type: String }) @IsString() @Length(1, 128) appId!: string;
  @ApiProperty({ type: String }) @IsString() @Length(1, 4096) accessToken!: string;
  /** Business portfolio id (messaging limits are shared per portfolio); defaults to the WABA id. */
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Matches(/^\d{1,32}$/) businessId?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) graphBaseUrl?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @Matches(/^v\d+\.\d+$/) graphApiVersion?: string;
  @ApiPropertyOptional({ type: Number }) @IsOptional() @IsInt() @Min(1) @Max(1000) mps?: number;
  @ApiPropertyOptional({ enum: MESSAGING_TIERS }) @IsOptional() @IsIn(MESSAGING_TIERS) tier?: MessagingTier;
}

export class UpdateNumberDto {
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 32) displayPhoneNumber?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 4096) accessToken?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) graphBaseUrl?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @Matches(/^v\d+\.\d+$/) graphApiVersion?: string;
  @ApiPropertyOptional({ type: Number }) @IsOptional() @IsInt() @Min(1) @Max(1000) mps?: number;
  @ApiPropertyOptional({ enum: MESSAGING_TIERS }) @IsOptional() @IsIn(MESSAGING_TIERS) tier?: MessagingTier;
  @ApiPropertyOptional({ enum: ['active', 'paused'] }) @IsOptional() @IsIn(['active', 'paused']) status?: 'active' | 'paused';
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 500) pausedReason?: string;
  /** WhatsApp Business app and Cloud API on one number: the dispatcher caps it at Meta's 20 mps (ADR 0163). */
  @ApiPropertyOptional({ type: Boolean }) @IsOptional() @IsBoolean() coexistence?: boolean;
}
