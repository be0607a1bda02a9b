import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { registerContract } from '../topic';

export const OUTBOUND_EVENTS_V1 = { topic: 'wa.outbound.events.v1', version: 1, key: '<phoneNumberId>:<recipient>' } as const;

export const OUTBOUND_EVENT_KINDS = [
  'accepted', 'rejected', 'retry-scheduled', 'sent', 'delivered', 'read', 'played', 'failed', 'dead-lettered',
] as const;
export type OutboundEventKind = (typeof OUTBOUND_EVENT_KINDS)[number];

export const ERROR_CLASSES = ['throttled', 'transient', 'auth', 'permanent', 'template', 'quality', 'compliance', 'unknown'] as const;
export type ErrorClassName = (typeof ERROR_CLASSES)[number];

export class OutboundErrorDto {
  @IsIn(ERROR_CLASSES) class!: ErrorClassName;
  @IsOptional() @IsInt() code?: number;
  @IsString() message!: string;
}

/**
 * One step in an outbound message's life, emitted by the dispatcher (its status machine).
 * Key: `<phoneNumberId>:<recipient>`.
 */
export class OutboundEventV1 {
  @IsString() @Length(1, 64) id!: string;
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  @IsString() recipient!: string;
  @IsIn(OUTBOUND_EVENT_KINDS) event!: OutboundEventKind;
  @IsOptional() @IsString() wamid?: string;
  @IsOptional() @ValidateNested() @Type(() => OutboundErrorDto) error?: OutboundErrorDto;
  @IsOptional() @IsInt() attempt?: number;
  @IsOptional() @IsISO8601() notBefore?: string;
  @IsISO8601() occurredAt!: string;
}
registerContract(OUTBOUND_EVENTS_V1, OutboundEventV1);
