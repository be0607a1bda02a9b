import { IsInt, Max, Min, ValidateIf } from 'class-validator';

export class ConversationSettingsBody {
  /** Days a tenant's messages are kept; null = the service default (CONVERSATIONS_RETENTION_DAYS). Required: send null to clear it. */
  @ValidateIf((_o: ConversationSettingsBody, v: unknown) => v !== null)
  @IsInt({ message: 'retentionDays must be a whole number of days (1-3650), or null for the service default' })
  @Min(1, { message: 'retentionDays must be at least 1 (or null for the service default)' })
  @Max(3650, { message: 'retentionDays must be at most 3650' })
  retentionDays!: number | null;
}

/** What `GET|PUT /v1/conversations/settings` answer. */
export interface ConversationSettingsView {
  /** The tenant's own setting; null = `defaultRetentionDays` applies. */
  retentionDays: number | null;
  /** CONVERSATIONS_RETENTION_DAYS; 0 = kept forever. */
  defaultRetentionDays: number;
}
