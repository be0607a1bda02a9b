import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import { registerContract } from '../topic';

export const CONTACT_CHANGED_V1 = { topic: 'wa.contact.changed.v1', version: 1, compacted: true, key: '<tenantId>:<phoneNumberId>:<waId ?? userId>' } as const;

/**
 * What sending needs to know about one contact (compacted, key
 * `<tenantId>:<phoneNumberId>:<waId ?? userId>`). `erased` = forget this key; `erased` with
 * `optedOut: true` = the contact was erased while opted out: keep the key suppressed (ADR 0075).
 */
export class ContactChangedV1 {
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  @IsOptional() @IsString() waId?: string;
  @IsOptional() @IsString() userId?: string;
  /** End of the 24 h customer-service window (last inbound + 24 h); absent = never wrote. */
  @IsOptional() @IsISO8601() windowOpenUntil?: string;
  @IsBoolean() optedOut!: boolean;
  /** false after Meta said the number is not on WhatsApp (131026). */
  @IsBoolean() reachable!: boolean;
  @IsOptional() @IsBoolean() erased?: boolean;
  /**
   * The consent state behind `optedOut` (optional, added later): `opted_in` is an explicit
   * opt-in, which also lifts an erased contact's suppression in the dispatcher (ADR 0075).
   */
  @IsOptional() @IsIn(['unknown', 'opted_in', 'opted_out']) optInState?: 'unknown' | 'opted_in' | 'opted_out';
  @IsISO8601() updatedAt!: string;
}
registerContract(CONTACT_CHANGED_V1, ContactChangedV1);

export const CONTACT_ERASED_V1 = { topic: 'wa.contact.erased.v1', version: 1, key: '<tenantId>:<contactId>' } as const;

/**
 * GDPR erasure of one contact: every service forgets it (the gateway's message projection,
 * the dispatcher's messages, contact state and portfolio reach; media and analytics).
 * Key: `<tenantId>:<contactId>`. Consumers must be idempotent (redeliveries, replays).
 */
export class ContactErasedV1 {
  @IsString() tenantId!: string;
  @IsString() contactId!: string;
  @IsString() phoneNumberId!: string;
  @IsOptional() @IsString() waId?: string;
  @IsOptional() @IsString() userId?: string;
  @IsISO8601() erasedAt!: string;
  /**
   * The contact had opted out when it was erased (optional, added later): the dispatcher keeps
   * a keyed hash of the number so sends to it stay refused (ADR 0075).
   */
  @IsOptional() @IsBoolean() optedOut?: boolean;
}
registerContract(CONTACT_ERASED_V1, ContactErasedV1);
