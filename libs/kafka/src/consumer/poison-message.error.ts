/**
 * Thrown by a handler for a message that can never succeed (bad reference, impossible
 * state): it goes straight to the consumer's DLQ without retries.
 */
export class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}
