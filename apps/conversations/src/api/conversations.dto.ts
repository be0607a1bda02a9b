import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

export const CONVERSATION_FILTERS = ['open', 'unread', 'assigned'] as const;
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number];

export class ListConversationsQuery {
  @IsOptional() @Matches(/^\d{1,32}$/, { message: 'phoneNumberId must be the numeric id of one of your phone numbers' }) phoneNumberId?: string;
  @IsOptional() @IsString() @Length(1, 64) waId?: string;
  @IsOptional() @IsString() @Length(1, 128) userId?: string;
  /** open = the contact wrote within 24 h (the service window); unread = inbound since the last mark-as-read; assigned = has an assignee. */
  @IsOptional() @IsIn(CONVERSATION_FILTERS, { message: 'status must be one of open, unread, assigned' }) status?: ConversationFilter;
  @IsOptional() @IsString() @Length(1, 200) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be a whole number' }) @Min(1) @Max(1000) limit?: number;
}

export class ListMessagesQuery {
  @IsOptional() @IsString() @Length(1, 200) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be a whole number' }) @Min(1) @Max(1000) limit?: number;
}

export class AssigneeBody {
  /** An agent or queue name of the tenant's own choosing; null = unassigned. Required: send null to clear it. */
  @ValidateIf((_o: AssigneeBody, v: unknown) => v !== null)
  @IsString({ message: 'assignee must be a string (an agent or queue) or null' })
  @Length(1, 128, { message: 'assignee must be 1-128 characters, or null to unassign' })
  assignee!: string | null;
}

export class MarkReadBody {
  /** Mark read through this inbound message (the gateway names the one it sent Meta's read receipt for); absent = everything received so far. */
  @IsOptional() @IsString() @Length(1, 512) throughWamid?: string;
}

/** A conversation as listed (DESIGN.md §12), plus the service window. */
export interface ConversationView {
  id: string;
  phoneNumberId: string;
  waId?: string;
  userId?: string;
  profileName?: string;
  lastMessageAt: string;
  /** Inbound messages since the last mark-as-read. */
  unread: number;
  assignee?: string;
  lastInboundAt?: string;
  /** Last inbound + 24 h: free-form replies are allowed until then (absent = the contact never wrote). */
  serviceWindowOpenUntil?: string;
}

/** `GET /v1/conversations/:id`: the listed view plus what the gateway needs for a read receipt. */
export interface ConversationDetail extends ConversationView {
  /** The last inbound message received (the one a read receipt names). */
  lastInboundWamid?: string;
}

export interface HistoryMessageView {
  /** Our message id for outbound (as `GET /v1/messages/:id`), the wamid for inbound. */
  id: string;
  direction: 'inbound' | 'outbound';
  type: string;
  /** Meta's object under its type (`{text: {body}}`, …) with `context`/`referral`; null once revoked. */
  content: Record<string, unknown> | null;
  status?: string;
  wamid?: string;
  at: string;
  error?: unknown;
  editedAt?: string;
  revokedAt?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
