import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

export const TIER_VALUES = [250, 1000, 2000, 10_000, 100_000, '250', '1000', '2000', '10000', '100000', 'unlimited', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'];

/** `POST /_sandbox/numbers` (DESIGN.md §12); the last three fields are sandbox extras. */
export class RegisterNumberDto {
  @IsString() @IsNotEmpty()
  phoneNumberId!: string;

  @IsString() @IsNotEmpty()
  displayPhoneNumber!: string;

  @IsString() @IsNotEmpty()
  wabaId!: string;

  @IsString() @IsNotEmpty()
  accessToken!: string;

  @IsString() @IsNotEmpty()
  appSecret!: string;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  callbackUrl!: string;

  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  mps?: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  pairBurst?: number;

  @IsOptional() @IsIn(TIER_VALUES)
  tier?: number | string;

  /** Business portfolio sharing the messaging limit (default: the WABA id). */
  @IsOptional() @IsString() @IsNotEmpty()
  portfolioId?: string;

  /** Regular expression over wa_id digits for recipients that are not on WhatsApp. */
  @IsOptional() @IsString()
  notOnWhatsAppPattern?: string;
}
