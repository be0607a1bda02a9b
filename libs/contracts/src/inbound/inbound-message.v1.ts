import { IsIn, IsISO8601, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { registerContract } from '../topic';

export const INBOUND_MESSAGE_V1 = { topic: 'wa.inbound.message.v1', version: 1, key: '<phoneNumberId>:<waId ?? userId>' } as const;

/** Message types Meta documents for inbound messages; anything else is `unsupported`. */
export const INBOUND_MESSAGE_TYPES = [
  'text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts',
  'interactive', 'button', 'reaction', 'order', 'system', 'request_welcome', 'edit',
  'revoke', 'unsupported',
] as const;
export type InboundMessageType = (typeof INBOUND_MESSAGE_TYPES)[number];

/**
 * One inbound user message. Identity: `waId` (phone) where Meta sends it, and the
 * business-scoped user id (`userId`, BSUID) — since 2026 username users have no phone.
 * Key: `<phoneNumberId>:<waId ?? userId>`.
 */
export class InboundMessageV1 {
  @IsString() @Length(1, 512) wamid!: string;
  @IsIn(INBOUND_MESSAGE_TYPES) type!: InboundMessageType;
  /** The `type` Meta wrote, when it differs (e.g. `unknown`, a new type, or absent). */
  @IsOptional() @IsString() metaType?: string;
  @IsString() phoneNumberId!: string;
  @IsOptional() @IsString() displayPhoneNumber?: string;
  @IsString() wabaId!: string;
  @IsString() appId!: string;
  /**
   * The tenant that owns `phoneNumberId` when ingress normalized it (from the gateway's
   * `wa.number.changed.v1`); also the `tenant-id` header. Absent for a number no tenant has
   * registered. Optional so events written before it existed stay valid.
   */
  @IsOptional() @IsString() tenantId?: string;
  @IsOptional() @IsString() waId?: string;
  @IsOptional() @IsString() userId?: string;
  @IsOptional() @IsString() parentUserId?: string;
  @IsOptional() @IsString() username?: string;
  @IsOptional() @IsString() profileName?: string;
  /** The message this one replies to or reacts to (`context.id`). */
  @IsOptional() @IsString() contextWamid?: string;
  @IsISO8601() occurredAt!: string;
  @IsISO8601() receivedAt!: string;
  /** Meta's message object, untouched. */
  @IsObject() raw!: Record<string, unknown>;
  /** Meta's matching `contacts[]` entry, untouched. */
  @IsOptional() @IsObject() contact?: Record<string, unknown>;
}
registerContract(INBOUND_MESSAGE_V1, InboundMessageV1);
