import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { registerContract, TopicSpec } from '../topic';
import { OutboundRequestedV1 } from './outbound-requested.v1';

/**
 * The dispatcher's delayed-retry envelope. `wa.outbound.retry.v1` is the shortest delay tier;
 * longer tiers are `wa.outbound.retry.v1.<tier>` (see OUTBOUND_RETRY_TIERS). Each tier holds
 * messages for a fixed delay, so a tier partition is FIFO by due time and its consumer only
 * ever waits for the head. Key: phoneNumberId.
 */
export const OUTBOUND_RETRY_V1 = { topic: 'wa.outbound.retry.v1', version: 1, key: '<phoneNumberId>' } as const;

/** Delay tiers (ms) and their topics, shortest first. */
export const OUTBOUND_RETRY_TIERS: readonly { delayMs: number; spec: TopicSpec }[] = [
  { delayMs: 1_000, spec: OUTBOUND_RETRY_V1 },
  { delayMs: 5_000, spec: { topic: 'wa.outbound.retry.v1.5s', version: 1, key: '<phoneNumberId>' } },
  { delayMs: 30_000, spec: { topic: 'wa.outbound.retry.v1.30s', version: 1, key: '<phoneNumberId>' } },
  { delayMs: 120_000, spec: { topic: 'wa.outbound.retry.v1.2m', version: 1, key: '<phoneNumberId>' } },
  { delayMs: 600_000, spec: { topic: 'wa.outbound.retry.v1.10m', version: 1, key: '<phoneNumberId>' } },
  { delayMs: 3_600_000, spec: { topic: 'wa.outbound.retry.v1.1h', version: 1, key: '<phoneNumberId>' } },
];

export const RETRY_REASONS = [
  'rate-number', 'rate-pair', 'throttled', 'transient', 'reconcile', 'send-at', 'messaging-limit',
  'unknown-number', 'resume', 'async-failure', 'window-pending',
] as const;
export type RetryReason = (typeof RETRY_REASONS)[number];

export class OutboundRetryV1 {
  @IsObject() @ValidateNested() @Type(() => OutboundRequestedV1) request!: OutboundRequestedV1;
  /** Row version the retry was scheduled at; a copy with an older version is stale and skipped. */
  @IsInt() @Min(0) version!: number;
  /** Graph attempts made so far. */
  @IsInt() @Min(0) attempts!: number;
  @IsISO8601() notBefore!: string;
  @IsIn(RETRY_REASONS) reason!: RetryReason;
  /** A per-number token (or pair token) was already reserved for `notBefore`. */
  @IsOptional() @IsBoolean() numberSlot?: boolean;
  @IsOptional() @IsBoolean() pairSlot?: boolean;
  /** Consecutive throttle backoffs (4^n for 131056). */
  @IsOptional() @IsInt() @Min(0) backoffStep?: number;
  @IsOptional() @IsString() lastError?: string;
  @IsISO8601() scheduledAt!: string;
}
for (const tier of OUTBOUND_RETRY_TIERS) registerContract(tier.spec, OutboundRetryV1);
