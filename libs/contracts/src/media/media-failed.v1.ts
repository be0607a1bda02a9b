import { IsIn, IsInt, IsISO8601, IsString, Min } from 'class-validator';
import { registerContract } from '../topic';

export const MEDIA_FAILED_V1 = { topic: 'wa.media.failed.v1', version: 1, key: '<mediaId>' } as const;

/** Why an inbound media object could not be stored (each is final; transient causes are retried first). */
export const MEDIA_FAILURE_REASONS = [
  'media_unknown', // Meta does not know the media id (never existed, expired after 7 days, deleted)
  'auth_refused', // Graph refused the number's token
  'too_large', // over WhatsApp's limit for the message type
  'sha256_mismatch', // the bytes never matched the sha256 Meta gave
  'number_unknown', // no number config (wa.number.changed.v1) to fetch with
  'graph_refused', // another refusal from Graph
  'retries_exhausted', // transient failures outlasted the retry budget
] as const;
export type MediaFailureReason = (typeof MEDIA_FAILURE_REASONS)[number];

/**
 * An inbound media object the media service gave up on: nothing was stored and nothing will be
 * (the counterpart of `wa.media.stored.v1`; ADR 0103). Key: `mediaId` (ours).
 */
export class MediaFailedV1 {
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  /** Our media id (deterministic, ADR 0102); `GET /v1/media/:id` answers 410 `media_failed`. */
  @IsString() mediaId!: string;
  @IsString() metaMediaId!: string;
  /** The inbound message the media came with. */
  @IsString() wamid!: string;
  @IsIn(MEDIA_FAILURE_REASONS) reason!: MediaFailureReason;
  /** What went wrong, for people (the last error). */
  @IsString() message!: string;
  /** Fetch rounds tried. */
  @IsInt() @Min(0) attempts!: number;
  @IsISO8601() failedAt!: string;
}
registerContract(MEDIA_FAILED_V1, MediaFailedV1);
