import { IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { registerContract } from '../topic';

export const OUTBOUND_REQUESTED_V1 = { topic: 'wa.outbound.requested.v1', version: 1, key: '<phoneNumberId>' } as const;

export const OUTBOUND_MESSAGE_TYPES = [
  'text', 'image', 'audio', 'video', 'document', 'sticker', 'template', 'interactive',
  'location', 'contacts', 'reaction',
] as const;
export type OutboundMessageType = (typeof OUTBOUND_MESSAGE_TYPES)[number];

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/**
 * A command to send one message. Produced by the gateway (or an internal service) after
 * validation; the dispatcher owns it from here. Key: phoneNumberId (one partition per number).
 */
export class OutboundRequestedV1 {
  /** Our message id (ULID); goes to Meta as `biz_opaque_callback_data`. */
  @IsString() @Length(1, 64) id!: string;
  @IsString() @Length(1, 64) tenantId!: string;
  @IsString() @Matches(/^\d{1,32}$/) phoneNumberId!: string;
  /** E.164 digits without '+', as Meta's `to`. */
  @IsOptional() @IsString() @Matches(/^\d{5,20}$/) to?: string;
  /** Business-scoped user id, Meta's `recipient` (2026); `to` wins when both are set. */
  @IsOptional() @IsString() @Length(1, 128) recipient?: string;
  @IsIn(OUTBOUND_MESSAGE_TYPES) type!: OutboundMessageType;
  /**
   * Meta's send body without `messaging_product`, `to`/`recipient` and
   * `biz_opaque_callback_data` (the dispatcher sets those): `{type, <type>: {...}, context?}`.
   */
  @IsObject() message!: Record<string, unknown>;
  @IsOptional() @IsString() @Length(1, 255) idempotencyKey?: string;
  @IsOptional() @IsObject() metadata?: Record<string, string>;
  /** Not before this time (scheduled sends). */
  @IsOptional() @IsISO8601() sendAt?: string;
  @IsOptional() @IsString() @Length(1, 64) campaignId?: string;
  /**
   * The template's category as the sender's template mirror knows it (absent when unknown):
   * the dispatcher holds MARKETING sends to a user Meta limited (131049) for 24 h (ADR 0164).
   */
  @IsOptional() @IsIn(TEMPLATE_CATEGORIES) templateCategory?: TemplateCategory;
  @IsIn(['api', 'cloud-api', 'kafka', 'campaign']) source!: 'api' | 'cloud-api' | 'kafka' | 'campaign';
  @IsISO8601() requestedAt!: string;
}
registerContract(OUTBOUND_REQUESTED_V1, OutboundRequestedV1);
