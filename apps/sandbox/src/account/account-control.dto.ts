import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { TIER_VALUES } from '../control/dto/register-number.dto';

/** `POST /_sandbox/numbers/:id/quality`: Meta's quality verdict and, optionally, a new messaging tier. */
export class QualityDto {
  @IsIn(['GREEN', 'YELLOW', 'RED']) rating!: 'GREEN' | 'YELLOW' | 'RED';
  @IsOptional() @IsIn(TIER_VALUES) tier?: string | number;
}

/** `POST /_sandbox/numbers/:id/throughput`: 80 (standard) or 1000 (Meta's upgrade). */
export class ThroughputDto {
  @Type(() => Number) @IsInt() @IsIn([80, 1000]) mps!: number;
}

/** `POST /_sandbox/numbers/:id/name-status`: Meta's display-name decision. */
export class NameStatusDto {
  @IsIn(['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED']) decision!: string;
  @IsOptional() @IsString() @Length(1, 200) requestedName?: string;
  @IsOptional() @IsString() @Length(1, 200) rejectionReason?: string;
}

/** `POST /_sandbox/numbers/:id/coexistence`: WhatsApp Business app and Cloud API on the number (20 mps). */
export class CoexistenceDto {
  @IsBoolean() enabled!: boolean;
}

/** `POST /_sandbox/numbers/:id/review`: the WABA's review decision (`account_review_update`). */
export class ReviewDto {
  @IsIn(['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED']) decision!: 'APPROVED' | 'REJECTED' | 'PENDING' | 'DEFERRED';
}

/** `POST /_sandbox/numbers/:id/account-update`: a ban, restriction, violation or verification decision on the WABA. */
export class AccountUpdateDto {
  @IsIn(['DISABLED_UPDATE', 'ACCOUNT_RESTRICTION', 'ACCOUNT_VIOLATION', 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE']) event!: string;
  /** DISABLED_UPDATE: DISABLE, SCHEDULE_FOR_DISABLE or REINSTATE. */
  @IsOptional() @IsIn(['DISABLE', 'SCHEDULE_FOR_DISABLE', 'REINSTATE']) banState?: string;
  /** ACCOUNT_RESTRICTION: e.g. RESTRICTED_BIZ_INITIATED_MESSAGING; none lifts every restriction. */
  @IsOptional() @IsIn(['RESTRICTED_BIZ_INITIATED_MESSAGING', 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING', 'RESTRICTED_ADD_PHONE_NUMBER_ACTION']) restrictionType?: string;
  @IsOptional() @IsISO8601() expiresAt?: string;
  @IsOptional() @IsString() @Length(1, 100) violationType?: string;
  /** PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE: the business verification decision. */
  @IsOptional() @IsIn(['APPROVED', 'REJECTED', 'PENDING', 'DISCARDED']) verification?: string;
}

