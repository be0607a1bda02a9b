import type { components } from './generated/meta-openapi';

/**
 * Webhook envelope types: the spec's `WebhookPayload` family (generated from Meta's v23.0
 * spec, after spec-repairs.ts) plus the 2026 changes the spec lacks (DESIGN.md §4):
 *
 * - business-scoped user ids (BSUID, `CC.<alnum>`) on contacts, messages and statuses, and for
 *   username users no phone at all: `from`, `wa_id` and `recipient_id` become optional;
 * - status `played` (voice messages);
 * - per-message pricing: `pricing.type`, `pricing_model` PMP or CBP, category spelled both
 *   `authentication-international` and `authentication_international`; `conversation` optional
 *   (omitted from v24 on);
 * - `biz_opaque_callback_data` echoed on statuses (our message id rides there, DESIGN.md §5).
 *
 * These describe what Meta documents. Values handed out by walkWebhook are *not* validated
 * against them (a webhook is never rejected for its shape), so treat fields you rely on as
 * possibly missing and validate at the edge (libs/contracts).
 */

type Spec = components['schemas'];

/** Keys of `T`, distributed over a union so discriminants survive. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type WebhookMetadata = Spec['Metadata'];

/** Ids that identify the sender of an inbound message. */
export interface BusinessScopedSender {
  /** The user's phone number (wa_id); absent for username users. */
  from?: string;
  /** Business-scoped user id, always present since April 2026. */
  from_user_id?: string;
  /** The parent business's user id, for managed (child) businesses. */
  from_parent_user_id?: string;
}

/** An inbound user message, as the spec types it per `type`, with the 2026 sender ids. */
export type WebhookInboundMessage = DistributiveOmit<Spec['IncomingMessage'], 'from'> & BusinessScopedSender;

/** `type: "system"` messages (e.g. user changed number). */
export type WebhookSystemMessage = Omit<Spec['SystemMessage'], 'from'> & BusinessScopedSender;

/**
 * `value.messages[]`. Meta also sends types the spec does not model (`edit`, `request_welcome`,
 * `interactive.nfm_reply`, …); those arrive through the walker all the same.
 */
export type WebhookMessage = WebhookInboundMessage | WebhookSystemMessage;

export type WebhookMessageType = WebhookMessage['type'];

/** `value.contacts[]`: the profile of the user an inbound message came from. */
export type WebhookContact = Omit<Spec['ContactProfile'], 'profile' | 'wa_id'> & {
  profile?: Partial<Spec['ContactProfile']['profile']> & {
    /** The user's WhatsApp username (2026), e.g. `@realsheenanelson`. */
    username?: string;
  };
  /** Phone-number id; absent (or an empty string) for username users. */
  wa_id?: string;
  user_id?: string;
  parent_user_id?: string;
};

export type WebhookMessageStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export type PricingModel = 'PMP' | 'CBP';

/** Per-message pricing (July 2025): what this message was charged as. */
export type PricingType = 'regular' | 'free_customer_service' | 'free_entry_point';

/** Meta has spelled the international authentication category both ways; accept both. */
export type PricingCategory =
  | 'authentication'
  | 'authentication-international'
  | 'authentication_international'
  | 'marketing'
  | 'marketing_lite'
  | 'utility'
  | 'service'
  | 'referral_conversion';

export type WebhookPricing = Omit<Spec['Pricing'], 'pricing_model' | 'category'> & {
  pricing_model?: PricingModel;
  type?: PricingType;
  category?: PricingCategory;
};

export type WebhookConversation = Spec['Conversation'];

/** `statuses[].errors[]` and `value.errors[]`: `{code, title, message, error_data: {details}, href}`. */
export type WebhookError = Spec['StatusError'];

/** `value.statuses[]`: one delivery status of a message we sent. */
export type WebhookStatus = Omit<
  Spec['Statuses'],
  'status' | 'recipient_id' | 'conversation' | 'pricing' | 'errors'
> & {
  status: WebhookMessageStatus;
  /** The user's phone number; absent for username users. */
  recipient_id?: string;
  recipient_user_id?: string;
  recipient_parent_user_id?: string;
  /** Conversation-based pricing only; omitted from v24 on. */
  conversation?: WebhookConversation;
  pricing?: WebhookPricing;
  errors?: WebhookError[];
  biz_opaque_callback_data?: string;
};

/** `value` of a `field: "messages"` change: inbound messages, statuses, or errors. */
export interface WebhookMessagesValue {
  messaging_product: 'whatsapp';
  metadata: WebhookMetadata;
  contacts?: WebhookContact[];
  messages?: WebhookMessage[];
  statuses?: WebhookStatus[];
  /** Errors not tied to a message (e.g. an inbound payload Meta could not process). */
  errors?: WebhookError[];
}

export type WebhookGroupField = Exclude<Spec['Change']['field'], 'messages'>;

export interface WebhookMessagesChange {
  field: 'messages';
  value: WebhookMessagesValue;
}

export interface WebhookGroupChange {
  field: WebhookGroupField;
  value: Spec['GroupValue'];
}

/**
 * Every other subscribed field (account_update, message_template_status_update,
 * phone_number_quality_update, calls, user_preferences, …), which the spec does not model.
 */
export interface WebhookOtherChange {
  field: string;
  value: Record<string, unknown>;
}

export type WebhookChange = WebhookMessagesChange | WebhookGroupChange | WebhookOtherChange;

export interface WebhookEntry {
  /** WhatsApp Business Account id. */
  id: string;
  changes: WebhookChange[];
}

export interface WebhookPayload {
  object: 'whatsapp_business_account';
  entry: WebhookEntry[];
}
