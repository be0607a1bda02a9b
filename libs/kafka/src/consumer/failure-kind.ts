import { pgFailureKind } from '@wabridge/database';
import { PoisonMessageError } from './poison-message.error';

/**
 * What the transport does with a handler failure (ADR 0060):
 * - `infrastructure`: a dependency (Postgres, Kafka, the network) is down, overloaded or lost
 *   a race. The message is fine; it is retried with capped backoff for as long as it takes and
 *   never dead-lettered, and the service reports not ready meanwhile.
 * - `poison`: the message can never be handled (PoisonMessageError): DLQ at once.
 * - `deterministic`: the same call fails the same way again (constraint or data error, a
 *   programming error): DLQ after the bounded attempts.
 * - `unknown`: nothing recognisable: bounded attempts, then DLQ (as before ADR 0060).
 */
export type ConsumerFailureKind = 'infrastructure' | 'poison' | 'deterministic' | 'unknown';

/**
 * Thrown (or used as `cause`) by a handler when a dependency the transport cannot recognise
 * (another service over HTTP, a lock service, …) is unavailable: the message waits like it does
 * for a Postgres outage.
 */
export class DependencyUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * Kafka protocol errors that a retry cannot fix (the produced record itself is wrong).
 * Every other kafkajs error (connection, request timeout, leader moves, retries exhausted)
 * is the broker being unavailable.
 */
const KAFKA_DETERMINISTIC_TYPES = new Set([
  'MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS', 'TOPIC_AUTHORIZATION_FAILED', 'UNSUPPORTED_VERSION',
]);

/** JavaScript's own error classes: a bug in the handler, which fails the same way every time. */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** A Kafka verdict for one error object (not its causes), or undefined. */
function kafkaKind(e: Record<string, unknown>): ConsumerFailureKind | undefined {
  const name = typeof e['name'] === 'string' ? e['name'] : '';
  if (name === 'KafkaUnavailableError') return 'infrastructure';
  if (!name.startsWith('KafkaJS')) return undefined;
  const type = e['type'];
  if (typeof type === 'string' && KAFKA_DETERMINISTIC_TYPES.has(type)) return 'deterministic';
  return 'infrastructure';
}

/** Classifies a handler failure; `extra` (the app's own rules) is asked first. */
export function classifyConsumerFailure(
  err: unknown,
  extra?: (err: unknown) => ConsumerFailureKind | undefined,
): ConsumerFailureKind {
  const own = extra?.(err);
  if (own) return own;
  if (err instanceof PoisonMessageError) return 'poison';
  // Walk the cause chain: a wrapper ("normalize failed", Nest's RpcException…) keeps the truth inside.
  let current: unknown = err;
  for (let depth = 0; depth < 5 && record(current); depth++) {
    const e = record(current)!;
    if (current instanceof PoisonMessageError) return 'poison';
    if (current instanceof DependencyUnavailableError) return 'infrastructure';
    const kafka = kafkaKind(e);
    if (kafka) return kafka;
    current = e['cause'] ?? e['originalError'];
  }
  switch (pgFailureKind(err)) {
    case 'unavailable':
    case 'transient':
      return 'infrastructure';
    case 'deterministic':
      return 'deterministic';
    default:
      break;
  }
  const name = record(err)?.['name'];
  if (typeof name === 'string' && PROGRAMMING_ERRORS.has(name)) return 'deterministic';
  return 'unknown';
}
