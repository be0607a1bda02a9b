import { HEADER } from '@wabridge/contracts';
import type { IHeaders } from 'kafkajs';
import { headersToStrings } from '../codec';

export interface PoisonedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly headers?: IHeaders;
}

/** Longest `dlq-reason` kept (a stack or a validation report can be long). */
export const DLQ_REASON_MAX = 4000;

/**
 * The record a consumer writes to its dead-letter topic for a message it cannot handle: the
 * original key, bytes and headers, plus where it came from and why (the `dlq-*` headers that
 * `wabridge dlq` lists and replays by). One writer of these headers for every consumer.
 */
export function deadLetterRecord(dlqTopic: string, source: { topic: string; partition: number; groupId: string }, message: PoisonedMessage, reason: string): {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
} {
  return {
    topic: dlqTopic,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value ?? Buffer.alloc(0),
    headers: {
      ...headersToStrings(message.headers),
      [HEADER.dlqReason]: reason.slice(0, DLQ_REASON_MAX),
      [HEADER.dlqSourceTopic]: source.topic,
      [HEADER.dlqSourcePartition]: String(source.partition),
      [HEADER.dlqSourceOffset]: message.offset,
      [HEADER.dlqConsumer]: source.groupId,
    },
  };
}
