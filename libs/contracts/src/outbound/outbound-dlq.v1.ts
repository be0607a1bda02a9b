import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { registerContract } from '../topic';
import { OutboundErrorDto } from './outbound-event.v1';
import { OutboundRequestedV1 } from './outbound-requested.v1';

/** Outbound messages that exhausted their retries (operators replay them). Key: phoneNumberId. */
export const OUTBOUND_DLQ_V1 = { topic: 'wa.outbound.dlq.v1', version: 1, key: '<phoneNumberId>' } as const;

export class OutboundDeadLetterV1 {
  @IsObject() @ValidateNested() @Type(() => OutboundRequestedV1) request!: OutboundRequestedV1;
  @IsString() reason!: string;
  @IsOptional() @ValidateNested() @Type(() => OutboundErrorDto) error?: OutboundErrorDto;
  @IsInt() @Min(0) attempts!: number;
  @IsISO8601() deadLetteredAt!: string;
}
registerContract(OUTBOUND_DLQ_V1, OutboundDeadLetterV1);
