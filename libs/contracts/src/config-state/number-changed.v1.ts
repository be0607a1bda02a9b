import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateNested } from 'class-validator';
import { EncryptedSecret } from '../secret';
import { registerContract } from '../topic';

export const NUMBER_CHANGED_V1 = { topic: 'wa.number.changed.v1', version: 1, compacted: true, key: '<phoneNumberId>' } as const;

/** Meta's messaging-limit tiers as daily user limits (TIER_50 … TIER_UNLIMITED; 2000 is the older TIER_2K). */
export const MESSAGING_TIERS = ['50', '250', '1000', '2000', '10000', '100000', 'unlimited'] as const;
export type MessagingTier = (typeof MESSAGING_TIERS)[number];

/**
 * Full current configuration of one phone number (event-carried state; compacted, key
 * phoneNumberId). Consumers keep the latest per key; `deleted` removes it.
 */
export class NumberChangedV1 {
  @IsString() @Matches(/^\d{1,32}$/) phoneNumberId!: string;
  @IsString() tenantId!: string;
  @IsString() displayPhoneNumber!: string;
  @IsString() wabaId!: string;
  @IsString() appId!: string;
  /** Business portfolio (messaging limits are shared per portfolio); defaults to the WABA. */
  @IsString() businessId!: string;
  @IsIn(['active', 'paused']) status!: 'active' | 'paused';
  @IsOptional() @IsString() pausedReason?: string;
  @IsInt() @Min(1) @Max(1000) mps!: number;
  @IsIn(MESSAGING_TIERS) tier!: MessagingTier;
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) graphBaseUrl!: string;
  @IsString() @Matches(/^v\d+\.\d+$/) graphApiVersion!: string;
  @IsObject() @ValidateNested() @Type(() => EncryptedSecret) accessToken!: EncryptedSecret;
  /**
   * Meta's view of the number (issue 18), kept current from webhooks and Graph reads; absent
   * from events published before it existed. `mps` and `tier` above already follow Meta's
   * throughput and tier when Meta told us; `status` is `paused` while the WABA may not send.
   */
  @IsOptional() @IsString() qualityRating?: string;
  @IsOptional() @IsString() nameStatus?: string;
  /** WhatsApp Business app and Cloud API on one number: consumers cap it at Meta's 20 mps. */
  @IsOptional() @IsBoolean() coexistence?: boolean;
  /** False while Meta does not let the WABA send (review rejected, disabled, restricted); pausedReason says why. */
  @IsOptional() @IsBoolean() maySend?: boolean;
  @IsOptional() @IsBoolean() deleted?: boolean;
  @IsInt() @Min(0) revision!: number;
  @IsISO8601() updatedAt!: string;
}
registerContract(NUMBER_CHANGED_V1, NumberChangedV1);
