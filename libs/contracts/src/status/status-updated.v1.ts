import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { MESSAGE_STATUSES, MessageStatus, MetaErrorDto } from '../common';
import { registerContract } from '../topic';

export const STATUS_UPDATED_V1 = { topic: 'wa.status.updated.v1', version: 1, key: '<phoneNumberId>:<recipientId ?? recipientUserId>' } as const;

/** One delivery status of an outbound message. Key: `<phoneNumberId>:<recipientId ?? recipientUserId>`. */
export class StatusUpdatedV1 {
  @IsString() @Length(1, 512) wamid!: string;
  @IsIn(MESSAGE_STATUSES) status!: MessageStatus;
  @IsString() phoneNumberId!: string;
  @IsOptional() @IsString() displayPhoneNumber?: string;
  @IsString() wabaId!: string;
  @IsString() appId!: string;
  /** The number's tenant when ingress normalized it; also the `tenant-id` header; absent for an unregistered number. */
  @IsOptional() @IsString() tenantId?: string;
  @IsOptional() @IsString() recipientId?: string;
  @IsOptional() @IsString() recipientUserId?: string;
  @IsOptional() @IsString() recipientParentUserId?: string;
  /** Our id, echoed by Meta from the send's `biz_opaque_callback_data`. */
  @IsOptional() @IsString() bizOpaqueCallbackData?: string;
  @IsISO8601() occurredAt!: string;
  @IsISO8601() receivedAt!: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => MetaErrorDto) errors?: MetaErrorDto[];
  /** `pricing{billable, pricing_model, type, category}` as sent (per-message pricing). */
  @IsOptional() @IsObject() pricing?: Record<string, unknown>;
  /** Legacy `conversation{}` (omitted from Graph v24 on). */
  @IsOptional() @IsObject() conversation?: Record<string, unknown>;
  @IsObject() raw!: Record<string, unknown>;
}
registerContract(STATUS_UPDATED_V1, StatusUpdatedV1);
