import { Type } from 'class-transformer';
import {
  Equals, IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, ValidateNested,
} from 'class-validator';
import { MESSAGE_STATUSES, MessageStatus, MetaErrorDto } from '../common';
import { ERROR_CLASSES, ErrorClassName } from '../outbound/outbound-event.v1';
import { PublicEventBody, PublicEventType } from './public-event';

// ---- message.received ------------------------------------------------------------------

/** Who wrote: wa_id (phone) and/or the business-scoped user id; username users have no phone. */
export class MessageSenderV1 {
  @IsOptional() @IsString() waId?: string;
  @IsOptional() @IsString() userId?: string;
  @IsOptional() @IsString() parentUserId?: string;
  @IsOptional() @IsString() username?: string;
  @IsOptional() @IsString() profileName?: string;
}

/** `{type, <type>: {…Meta's object…}, context?}`: Meta's message content, untouched. */
export class ReceivedMessageContentV1 {
  @IsString() type!: string;
  @IsOptional() @IsObject() context?: Record<string, unknown>;
  [content: string]: unknown;
}

export class MessageReceivedDataV1 {
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  @IsOptional() @IsString() displayPhoneNumber?: string;
  @IsString() wabaId!: string;
  @IsString() @Length(1, 512) wamid!: string;
  @IsObject() @ValidateNested() @Type(() => MessageSenderV1) from!: MessageSenderV1;
  @IsObject() @ValidateNested() @Type(() => ReceivedMessageContentV1) message!: ReceivedMessageContentV1;
}

export class MessageReceivedEventV1 implements PublicEventBody<MessageReceivedDataV1> {
  @Equals('message.received') type!: 'message.received';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => MessageReceivedDataV1) data!: MessageReceivedDataV1;
}

// ---- message.status ---------------------------------------------------------------------

export class StatusRecipientV1 {
  @IsOptional() @IsString() waId?: string;
  @IsOptional() @IsString() userId?: string;
}

export class MessageStatusDataV1 {
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  @IsString() @Length(1, 512) wamid!: string;
  /** Our message id (the send's id), when the message was sent through us. */
  @IsOptional() @IsString() messageId?: string;
  @IsIn(MESSAGE_STATUSES) status!: MessageStatus;
  @IsObject() @ValidateNested() @Type(() => StatusRecipientV1) recipient!: StatusRecipientV1;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => MetaErrorDto) errors?: MetaErrorDto[];
  /** Meta's `pricing{billable, pricing_model, type, category}`. */
  @IsOptional() @IsObject() pricing?: Record<string, unknown>;
  /** Meta's legacy `conversation{}` (absent from Graph v24 on). */
  @IsOptional() @IsObject() conversation?: Record<string, unknown>;
}

export class MessageStatusEventV1 implements PublicEventBody<MessageStatusDataV1> {
  @Equals('message.status') type!: 'message.status';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => MessageStatusDataV1) data!: MessageStatusDataV1;
}

// ---- our lifecycle: message.accepted / rejected / retry_scheduled / dead_lettered ------

export class LifecycleErrorV1 {
  @IsIn(ERROR_CLASSES) class!: ErrorClassName;
  @IsOptional() @IsInt() code?: number;
  @IsString() message!: string;
}

/** One step of an outbound message in our pipeline (the dispatcher's events). */
export class MessageLifecycleDataV1 {
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  /** Our message id (`POST /v1/messages` → `id`). */
  @IsString() messageId!: string;
  /** The recipient as sent (`to` or the business-scoped user id). */
  @IsString() recipient!: string;
  @IsOptional() @IsString() wamid?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => LifecycleErrorV1) error?: LifecycleErrorV1;
  /** Attempts so far (retry_scheduled). */
  @IsOptional() @IsInt() attempt?: number;
  /** When the next attempt is due (retry_scheduled). */
  @IsOptional() @IsISO8601() notBefore?: string;
}

export class MessageAcceptedEventV1 implements PublicEventBody<MessageLifecycleDataV1> {
  @Equals('message.accepted') type!: 'message.accepted';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => MessageLifecycleDataV1) data!: MessageLifecycleDataV1;
}

export class MessageRejectedEventV1 implements PublicEventBody<MessageLifecycleDataV1> {
  @Equals('message.rejected') type!: 'message.rejected';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => MessageLifecycleDataV1) data!: MessageLifecycleDataV1;
}

/**
 * The message failed without a status from Meta: Graph refused the send call itself (e.g. 132001
 * template does not exist, 100 invalid parameter) or a hold refused it before any call (131049).
 * A failure Meta reports after accepting the call comes as `message.status` `failed` instead.
 */
export class MessageFailedEventV1 implements PublicEventBody<MessageLifecycleDataV1> {
  @Equals('message.failed') type!: 'message.failed';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => MessageLifecycleDataV1) data!: MessageLifecycleDataV1;
}

export class MessageRetryScheduledEventV1 implements PublicEventBody<MessageLifecycleDataV1> {
  @Equals('message.retry_scheduled') type!: 'message.retry_scheduled';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => MessageLifecycleDataV1) data!: MessageLifecycleDataV1;
}

export class MessageDeadLetteredEventV1 implements PublicEventBody<MessageLifecycleDataV1> {
  @Equals('message.dead_lettered') type!: 'message.dead_lettered';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => MessageLifecycleDataV1) data!: MessageLifecycleDataV1;
}

// ---- template.status ---------------------------------------------------------------------

export const TEMPLATE_EVENT_KINDS = ['template-status', 'template-quality', 'template-category'] as const;

export class TemplateStatusDataV1 {
  @IsString() tenantId!: string;
  /** Templates belong to a WABA; a WABA-level event names no number. */
  @IsOptional() @IsString() phoneNumberId?: string;
  @IsString() wabaId!: string;
  @IsIn(TEMPLATE_EVENT_KINDS) kind!: (typeof TEMPLATE_EVENT_KINDS)[number];
  /** Meta's `event` (APPROVED, REJECTED, PAUSED, …) or new quality/category. */
  @IsOptional() @IsString() event?: string;
  @IsOptional() @IsString() templateId?: string;
  @IsOptional() @IsString() templateName?: string;
  @IsOptional() @IsString() templateLanguage?: string;
  @IsOptional() @IsString() reason?: string;
  /** Meta's change value, untouched. */
  @IsObject() value!: Record<string, unknown>;
}

export class TemplateStatusEventV1 implements PublicEventBody<TemplateStatusDataV1> {
  @Equals('template.status') type!: 'template.status';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => TemplateStatusDataV1) data!: TemplateStatusDataV1;
}

// ---- number.changed -----------------------------------------------------------------------

export const NUMBER_EVENT_KINDS = ['phone-quality', 'phone-name'] as const;

export class NumberChangedDataV1 {
  @IsString() tenantId!: string;
  @IsOptional() @IsString() phoneNumberId?: string;
  @IsString() wabaId!: string;
  @IsOptional() @IsString() displayPhoneNumber?: string;
  @IsIn(NUMBER_EVENT_KINDS) kind!: (typeof NUMBER_EVENT_KINDS)[number];
  /** Meta's `event` (FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, …) or the name decision. */
  @IsOptional() @IsString() event?: string;
  /** Messaging limit tier after the change (`current_limit`, e.g. TIER_1K), quality updates. */
  @IsOptional() @IsString() messagingLimit?: string;
  /** Requested display name (name updates). */
  @IsOptional() @IsString() requestedName?: string;
  @IsObject() value!: Record<string, unknown>;
}

export class NumberChangedEventV1 implements PublicEventBody<NumberChangedDataV1> {
  @Equals('number.changed') type!: 'number.changed';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => NumberChangedDataV1) data!: NumberChangedDataV1;
}

// ---- contact.changed ----------------------------------------------------------------------

export class ContactChangedDataV1 {
  @IsString() tenantId!: string;
  @IsString() phoneNumberId!: string;
  @IsOptional() @IsString() waId?: string;
  @IsOptional() @IsString() userId?: string;
  @IsBoolean() optedOut!: boolean;
  @IsOptional() @IsIn(['unknown', 'opted_in', 'opted_out']) optInState?: 'unknown' | 'opted_in' | 'opted_out';
  @IsBoolean() reachable!: boolean;
  /** End of the 24 h customer-service window. */
  @IsOptional() @IsISO8601() windowOpenUntil?: string;
  /** The contact was erased (GDPR). */
  @IsOptional() @IsBoolean() erased?: boolean;
}

export class ContactChangedEventV1 implements PublicEventBody<ContactChangedDataV1> {
  @Equals('contact.changed') type!: 'contact.changed';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => ContactChangedDataV1) data!: ContactChangedDataV1;
}

// ---- account.alert ------------------------------------------------------------------------

export class AccountAlertDataV1 {
  @IsString() tenantId!: string;
  @IsOptional() @IsString() phoneNumberId?: string;
  @IsOptional() @IsString() wabaId?: string;
  /**
   * What happened: Meta's (`account-update`, `account-review`, `account-alert`, `capability`,
   * `webhook-errors`) or ours (`endpoint-disabled`, `webhook-test`).
   */
  @IsString() kind!: string;
  @IsOptional() @IsString() event?: string;
  @IsOptional() @IsString() message?: string;
  /** The endpoint concerned (our notices). */
  @IsOptional() @IsString() endpointId?: string;
  /** Meta's change value, untouched (Meta's alerts). */
  @IsOptional() @IsObject() value?: Record<string, unknown>;
}

export class AccountAlertEventV1 implements PublicEventBody<AccountAlertDataV1> {
  @Equals('account.alert') type!: 'account.alert';
  @IsISO8601() timestamp!: string;
  @IsObject() @ValidateNested() @Type(() => AccountAlertDataV1) data!: AccountAlertDataV1;
}

// ---- registry ------------------------------------------------------------------------------

export type PublicEventV1 =
  | MessageReceivedEventV1 | MessageStatusEventV1 | MessageAcceptedEventV1 | MessageRejectedEventV1 | MessageFailedEventV1
  | MessageRetryScheduledEventV1 | MessageDeadLetteredEventV1 | TemplateStatusEventV1 | NumberChangedEventV1
  | ContactChangedEventV1 | AccountAlertEventV1;

/** Every public event type with its current version and class (the schemas are named after them). */
export const PUBLIC_EVENTS: Readonly<Record<PublicEventType, { version: number; cls: new () => PublicEventV1 }>> = {
  'message.received': { version: 1, cls: MessageReceivedEventV1 },
  'message.status': { version: 1, cls: MessageStatusEventV1 },
  'message.accepted': { version: 1, cls: MessageAcceptedEventV1 },
  'message.rejected': { version: 1, cls: MessageRejectedEventV1 },
  'message.failed': { version: 1, cls: MessageFailedEventV1 },
  'message.retry_scheduled': { version: 1, cls: MessageRetryScheduledEventV1 },
  'message.dead_lettered': { version: 1, cls: MessageDeadLetteredEventV1 },
  'template.status': { version: 1, cls: TemplateStatusEventV1 },
  'number.changed': { version: 1, cls: NumberChangedEventV1 },
  'contact.changed': { version: 1, cls: ContactChangedEventV1 },
  'account.alert': { version: 1, cls: AccountAlertEventV1 },
};
