import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export class UploadQuery {
  @IsString() @Length(1, 64) phoneNumberId!: string;
}

export class ListMediaQuery {
  @IsOptional() @IsString() @Length(1, 64) phoneNumberId?: string;
  @IsOptional() @IsIn(['inbound', 'outbound']) direction?: 'inbound' | 'outbound';
  /** The `nextCursor` of the previous page. */
  @IsOptional() @Matches(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'cursor must be a nextCursor value' }) cursor?: string;
}
