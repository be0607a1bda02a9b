import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, Min } from 'class-validator';
import { MESSAGING_TIERS, MessagingTier } from '@wabridge/contracts';
import { Scope, SCOPES } from '../auth/principal';

export class CreateTenantDto {
  @IsString() @Length(1, 200) name!: string;
}

export class CreateApiKeyDto {
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(SCOPES, { each: true }) scopes?: Scope[];
}

export class CreateAppDto {
  @IsString() @Length(1, 128) @Matches(/^[A-Za-z0-9._-]+$/) appId!: string;
  @IsString() @Length(1, 512) appSecret!: string;
  @IsString() @Length(1, 512) verifyToken!: string;
}

export class CreateNumberDto {
  @IsString() @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be Meta\'s numeric phone number id' }) phoneNumberId!: string;
  @IsString() @Length(1, 32) displayPhoneNumber!: string;
  @IsString() @Matches(/^\d{1,32}$/, { message: 'wabaId must be a numeric WABA id' }) wabaId!: string;
  @IsString() @Length(1, 128) appId!: string;
  @IsString() @Length(1, 4096) accessToken!: string;
  /** Business portfolio id (messaging limits are shared per portfolio); defaults to the WABA id. */
  @IsOptional() @IsString() @Matches(/^\d{1,32}$/) businessId?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) graphBaseUrl?: string;
  @IsOptional() @Matches(/^v\d+\.\d+$/) graphApiVersion?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) mps?: number;
  @IsOptional() @IsIn(MESSAGING_TIERS) tier?: MessagingTier;
}

export class UpdateNumberDto {
  @IsOptional() @IsString() @Length(1, 32) displayPhoneNumber?: string;
  @IsOptional() @IsString() @Length(1, 4096) accessToken?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) graphBaseUrl?: string;
  @IsOptional() @Matches(/^v\d+\.\d+$/) graphApiVersion?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) mps?: number;
  @IsOptional() @IsIn(MESSAGING_TIERS) tier?: MessagingTier;
  @IsOptional() @IsIn(['active', 'paused']) status?: 'active' | 'paused';
  @IsOptional() @IsString() @Length(1, 500) pausedReason?: string;
}
