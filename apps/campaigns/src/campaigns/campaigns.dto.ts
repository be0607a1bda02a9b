import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';

export class TemplateLanguageDto {
  @IsString() @Length(2, 15) code!: string;
}

/** Meta's template object; `components` may name contact fields as `{{attributes.x}}` (per-contact parameters). */
export class CampaignTemplateDto {
  @IsString() @Length(1, 512) name!: string;
  @IsObject() @ValidateNested() @Type(() => TemplateLanguageDto) language!: TemplateLanguageDto;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsObject({ each: true }) components?: Record<string, unknown>[];
}

/** Who receives it: contacts with every tag, listed contacts, listed wa_ids (together, each once). */
export class AudienceDto {
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @IsString({ each: true }) @Length(1, 64, { each: true }) tags?: string[];
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100000) @IsString({ each: true }) @Length(1, 64, { each: true }) contactIds?: string[];
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100000) @Matches(/^\d{5,20}$/, { each: true, message: 'waIds must be phone numbers in digits (wa_id)' }) waIds?: string[];
  /** A saved segment of the same number (its filter is copied into the campaign; tags given here narrow it). */
  @IsOptional() @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'segmentId must be a segment id' }) segmentId?: string;
}

export class CreateCampaignBody {
  @IsString() @Length(1, 200) name!: string;
  @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be the numeric id of one of your phone numbers' }) phoneNumberId!: string;
  @IsObject() @ValidateNested() @Type(() => CampaignTemplateDto) template!: CampaignTemplateDto;
  @IsObject() @ValidateNested() @Type(() => AudienceDto) audience!: AudienceDto;
  /** When sending starts (after `start`); absent = at `start`. */
  @IsOptional() @IsISO8601() startAt?: string;
  /** End of the sending window: what is not sent by then is skipped. */
  @IsOptional() @IsISO8601() endAt?: string;
}

export class ListCampaignsQuery {
  @IsOptional() @IsIn(['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled']) status?: string;
  @IsOptional() @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'cursor must be a nextCursor value' }) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class ListRecipientsQuery {
  @IsOptional() @IsIn(['pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'skipped']) status?: string;
  @IsOptional() @Matches(/^\d{1,19}$/, { message: 'cursor must be a nextCursor value' }) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}
