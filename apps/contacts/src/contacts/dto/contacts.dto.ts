import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';

export class ListContactsQuery {
  @IsOptional() @Matches(/^\d{1,32}$/) phoneNumberId?: string;
  @IsOptional() @Matches(/^\d{1,20}$/) waId?: string;
  @IsOptional() @IsString() @Length(1, 128) userId?: string;
  @IsOptional() @IsIn(['true', 'false']) optedOut?: 'true' | 'false';
  @IsOptional() @IsIn(['true', 'false']) windowOpen?: 'true' | 'false';
  @IsOptional() @IsString() @Length(1, 64) tag?: string;
  /** `key:value` — contacts whose attribute `key` equals the string `value`. */
  @IsOptional() @Matches(/^[^:]{1,128}:.{0,512}$/, { message: 'attribute must be key:value' }) attribute?: string;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class PatchContactBody {
  /** Merged into the stored attributes; a key set to null is removed (JSON merge patch). */
  @IsOptional() @IsObject() attributes?: Record<string, unknown>;
  /** Replaces the tag list. */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) tags?: string[];
  @IsOptional() @IsString() @MaxLength(256) profileName?: string;
}

export class CreateContactBody {
  @Matches(/^\d{1,32}$/) phoneNumberId!: string;
  @IsString() @Length(3, 32) phone!: string;
  @IsOptional() @IsString() @MaxLength(256) profileName?: string;
  @IsOptional() @IsObject() attributes?: Record<string, unknown>;
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) tags?: string[];
  @IsOptional() @IsBoolean() optIn?: boolean;
}

export class KeywordsBody {
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(1, 64, { each: true }) optOutKeywords!: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(1, 64, { each: true }) optInKeywords?: string[];
}

export class ImportQuery {
  /** Default number for rows that do not name one. */
  @IsOptional() @Matches(/^\d{1,32}$/) phoneNumberId?: string;
}
