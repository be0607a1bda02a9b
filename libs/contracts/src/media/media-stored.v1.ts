import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Min } from 'class-validator';
import { registerContract } from '../topic';

export const MEDIA_STORED_V1 = { topic: 'wa.media.stored.v1', version: 1, key: '<mediaId>' } as const;

/**
 * One media object persisted by the media service (an upload, or an inbound media message
 * fetched from Meta before its URL expired). Key: `mediaId` (ours).
 */
export class MediaStoredV1 {
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  /** Our media id (what `GET /v1/media/:id` answers). */
  @IsString() mediaId!: string;
  /** Meta's media id, when the object is known to Meta (inbound, or uploaded to Graph). */
  @IsOptional() @IsString() metaMediaId?: string;
  /** The inbound message the media came with. */
  @IsOptional() @IsString() wamid?: string;
  @IsIn(['inbound', 'outbound']) direction!: 'inbound' | 'outbound';
  @IsString() mimeType!: string;
  @IsInt() @Min(0) size!: number;
  /** Hex sha256 of the stored bytes. */
  @Matches(/^[0-9a-f]{64}$/) sha256!: string;
  @IsISO8601() storedAt!: string;
}
registerContract(MEDIA_STORED_V1, MediaStoredV1);
