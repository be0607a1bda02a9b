import { IsISO8601, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { registerContract } from '../topic';

export const ACCOUNT_EVENT_V1 = { topic: 'wa.account.event.v1', version: 1, key: '<wabaId>' } as const;

/**
 * Any non-message change Meta sends (template status/quality/category, phone quality and
 * name, account updates and reviews, user preferences, calls, `value.errors`, …). `field` is
 * Meta's change field; `kind` a finer label for consumers. Key: WABA id.
 */
export class AccountEventV1 {
  /** Stable id for dedupe: sha256 of entry id + field + value. */
  @IsString() @Length(1, 128) eventId!: string;
  @IsString() field!: string;
  @IsString() kind!: string;
  @IsString() wabaId!: string;
  @IsString() appId!: string;
  @IsOptional() @IsString() phoneNumberId?: string;
  /** Template id/name/language/status where the change is about a template. */
  @IsOptional() @IsString() templateId?: string;
  @IsOptional() @IsString() templateName?: string;
  @IsOptional() @IsString() templateLanguage?: string;
  @IsOptional() @IsString() event?: string;
  @IsISO8601() occurredAt!: string;
  @IsISO8601() receivedAt!: string;
  @IsObject() value!: Record<string, unknown>;
}
registerContract(ACCOUNT_EVENT_V1, AccountEventV1);
