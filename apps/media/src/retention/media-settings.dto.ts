import { IsInt, Max, Min, ValidateIf } from 'class-validator';

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export class MediaSettingsBody {
  /** Days a tenant's media is kept; null = the service default (MEDIA_RETENTION_DAYS). Required: send null to clear it. */
  @ValidateIf((_o: MediaSettingsBody, v: unknown) => v !== null)
  @IsInt({ message: 'retentionDays must be a whole number of days (1-3650), or null for the service default' })
  @Min(MIN_RETENTION_DAYS, { message: 'retentionDays must be at least 1 (or null for the service default)' })
  @Max(MAX_RETENTION_DAYS, { message: 'retentionDays must be at most 3650' })
  retentionDays!: number | null;
}

/** What `GET|PUT /v1/media/settings` answer. */
export interface MediaSettingsView {
  /** The tenant's own setting; null = `defaultRetentionDays` applies. */
  retentionDays: number | null;
  /** MEDIA_RETENTION_DAYS; 0 = kept forever. */
  defaultRetentionDays: number;
}
