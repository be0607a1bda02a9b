import { ApiError } from '@wabridge/http';
import { KafkaUnavailableError } from '@wabridge/kafka';

/** Maps "Kafka did not take it" to our 503: the caller may retry, nothing was accepted. */
export function kafkaUnavailableTo503(err: unknown): never {
  if (err instanceof KafkaUnavailableError) throw ApiError.unavailable('the message bus is unavailable; nothing was accepted, retry later');
  throw err;
}
