import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsObject, IsOptional, IsString, IsUrl, Length, Matches, ValidateNested } from 'class-validator';
import { BUSINESS_VERTICALS, BusinessVertical } from '@wabridge/meta';

export class BusinessAddressDto {
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 200) street?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 100) city?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 100) state?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsString() @Length(1, 20) postalCode?: string;
  @ApiProperty({ type: String, description: 'ISO 3166-1 alpha-2' }) @IsString() @Matches(/^[A-Z]{2}$/, { message: 'address.country must be an ISO 3166-1 alpha-2 code' }) country!: string;
}

/** `PUT /v1/business-profile`: the whole profile (replaces what was there). */
export class PutBusinessProfileDto {
  @ApiProperty({ type: String }) @IsString() @Length(1, 200) legalName!: string;
  @ApiProperty({ type: String, description: 'How the business is shown (Meta reviews the display name per number)' }) @IsString() @Length(1, 200) displayName!: string;
  @ApiProperty({ type: String, description: 'Free-text category, e.g. "Online shop"' }) @IsString() @Length(1, 100) category!: string;
  @ApiPropertyOptional({ enum: BUSINESS_VERTICALS, description: "Meta's vertical" }) @IsOptional() @IsIn(BUSINESS_VERTICALS) vertical?: BusinessVertical;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_protocol: true }) @Length(1, 256) website?: string;
  @ApiPropertyOptional({ type: String }) @IsOptional() @IsEmail() @Length(1, 128) email?: string;
  @ApiPropertyOptional({ type: String, description: 'E.164' }) @IsOptional() @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be E.164 (+ and 7-15 digits)' }) phone?: string;
  @ApiPropertyOptional({ type: BusinessAddressDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => BusinessAddressDto) address?: BusinessAddressDto;
}
