import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `POST /_sandbox/media/expire-next-urls`. */
export class ExpireUrlsDto {
  /** How many of the next downloads answer 404 as expired (default 1). */
  @IsOptional() @IsInt() @Min(1) @Max(100)
  count?: number;
}
