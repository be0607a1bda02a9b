import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { MediaKind } from '../upload/media-kinds';

/** `POST /internal/v1/media/resolve`: what a send names as its media (exactly one of id or link). */
export class ResolveMediaBody {
  @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be a numeric phone number id' })
  phoneNumberId!: string;

  @IsOptional() @IsString() @Length(1, 128)
  id?: string;

  @IsOptional() @IsString() @Length(1, 2048)
  link?: string;

  @IsIn(['image', 'audio', 'video', 'document', 'sticker'])
  kind!: MediaKind;

  /** A scheduled send's time: the Meta id must still be valid then (an older one is uploaded again). */
  @IsOptional() @IsISO8601()
  sendAt?: string;
}
