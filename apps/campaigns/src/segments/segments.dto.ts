import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';

export class AttributeFilterDto {
  @IsString() @Length(1, 128) @Matches(/^[^:]+$/, { message: 'key must not contain ":"' }) key!: string;
  @IsString() @Length(0, 512) value!: string;
}

export class SegmentFilterDto {
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @IsString({ each: true }) @Length(1, 64, { each: true }) tags?: string[];
  @IsOptional() @IsObject() @ValidateNested() @Type(() => AttributeFilterDto) attribute?: AttributeFilterDto;
  @IsOptional() @IsBoolean() optedIn?: boolean;
  @IsOptional() @IsBoolean() windowOpen?: boolean;
  @IsOptional() @IsISO8601() lastInboundSince?: string;
}

export class CreateSegmentBody {
  @IsString() @Length(1, 200) name!: string;
  @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be the numeric id of one of your phone numbers' }) phoneNumberId!: string;
  @IsObject() @ValidateNested() @Type(() => SegmentFilterDto) filter!: SegmentFilterDto;
}
