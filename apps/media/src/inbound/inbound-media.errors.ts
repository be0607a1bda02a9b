import { ApiError } from '@wabridge/http';
import { InboundState } from './inbound-media.repository';

/**
 * Why `GET /v1/media/:id` (and `/content`) has no object for an inbound media id the notifier
 * already announced (ADR 0102): still being fetched (404 `media_pending`), or never will be (410
 * `media_failed`, with the reason). Undefined for a stored object (deleted since: a plain 404).
 */
export function inboundUnavailable(state: InboundState): ApiError | undefined {
  if (state.status === 'pending') {
    return new ApiError(404, 'media_pending', `inbound media ${state.id} is being fetched from Meta; retry shortly`, {
      status: 'pending', attempts: state.attempts, ...(state.nextAttemptAt ? { nextAttemptAt: new Date(state.nextAttemptAt).toISOString() } : {}),
    });
  }
  if (state.status === 'failed') {
    return new ApiError(410, 'media_failed', `inbound media ${state.id} could not be fetched from Meta: ${state.failureReason ?? 'failed'}`, {
      status: 'failed', reason: state.failureReason, attempts: state.attempts,
    });
  }
  return undefined;
}
