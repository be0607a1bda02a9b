import { IsInt, IsOptional, IsString, IsObject } from 'class-validator';

/** A JSON object: not null, not an array. */
export const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed', 'deleted', 'warning'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** One error as Meta reports it in webhooks (`errors[]`) — code first, title/message as sent. */
export class MetaErrorDto {
  @IsInt() code!: number;
  @IsOptional() @IsString() title?: string;
  @IsOptional() @IsString() message?: string;
  @IsOptional() @IsObject() error_data?: Record<string, unknown>;
  @IsOptional() @IsString() href?: string;
}

/** Headers every event carries on Kafka (besides W3C `traceparent`). */
export const HEADER = {
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  tenantId: 'tenant-id',
  /** Where an outbound command came from (`api`, `cloud-api`, `campaign`, …): its `source`, readable without decoding. */
  source: 'source',
  dlqReason: 'dlq-reason',
  dlqSourceTopic: 'dlq-source-topic',
  dlqSourcePartition: 'dlq-source-partition',
  dlqSourceOffset: 'dlq-source-offset',
  dlqConsumer: 'dlq-consumer',
} as const;
