// @wabridge/meta: what the platform knows about Meta's WhatsApp Cloud API. See README.md.

export { signWebhookBody, verifyWebhookSignature } from './signature';

export {
  ERROR_CLASSES,
  classifyMetaError,
  errorAction,
  isAsynchronousCode,
  isSynchronousCode,
  metaErrorBody,
  parseGraphError,
  parseWebhookError,
  type ErrorAction,
  type ErrorClass,
  type MetaErrorBody,
  type MetaErrorBodyOptions,
  type MetaGraphError,
  type RetryPolicy,
} from './error-taxonomy';

export { walkWebhook, type WebhookChangeView } from './webhook-walk';

export type {
  BusinessScopedSender,
  PricingCategory,
  PricingModel,
  PricingType,
  WebhookChange,
  WebhookContact,
  WebhookConversation,
  WebhookEntry,
  WebhookError,
  WebhookGroupChange,
  WebhookGroupField,
  WebhookInboundMessage,
  WebhookMessage,
  WebhookMessageStatus,
  WebhookMessageType,
  WebhookMessagesChange,
  WebhookMessagesValue,
  WebhookMetadata,
  WebhookOtherChange,
  WebhookPayload,
  WebhookPricing,
  WebhookStatus,
  WebhookSystemMessage,
} from './webhook-envelope';

/** Every generated type of Meta's spec (`MetaOpenApi.components['schemas']['Message']`, …). */
export type * as MetaOpenApi from './generated/meta-openapi';

export { META_SPEC_PATH, loadMetaSpec, type MetaSpecDocument, type SchemaNode } from './openapi/meta-spec';
export { SPEC_REPAIRS, WEBHOOK_REF_RELINKS, repairedMetaSpec, type SpecRepair } from './openapi/spec-repairs';
export {
  specOperation,
  specRequestExamples,
  specSchemaValidator,
  type SchemaIssue,
  type SchemaValidationResult,
  type SchemaValidator,
  type SpecExample,
} from './openapi/spec-validator';
export {
  INVALID_OFFICIAL_SEND_EXAMPLES,
  SEND_REQUEST_OVERRIDES,
  sendMessageTypes,
  validateSendRequest,
} from './openapi/send-request';

// One rule table for a send body (gateway and sandbox decide alike; ADR 0183).
export * from './send-rules';

export {
  BUSINESS_VERIFICATION_STATUSES,
  BUSINESS_VERTICALS,
  META_COEXISTENCE_MPS,
  META_DEFAULT_MPS,
  META_MESSAGING_TIERS,
  META_UPGRADED_MPS,
  NAME_STATUSES,
  QUALITY_RATINGS,
  REVIEW_STATUSES,
  accountStateChange,
  businessVerificationOf,
  effectiveMps,
  messagingTierOf,
  nameStatusOf,
  numberStateFromGraph,
  qualityRatingOf,
  reviewStatusOf,
  sendPermission,
  throughputMpsOf,
  wabaStateFromGraph,
  type AccountStateChange,
  type BusinessVerificationStatus,
  type BusinessVertical,
  type MetaTierValue,
  type NameStatus,
  type NumberStateChange,
  type QualityRating,
  type ReviewStatus,
  type SendPermissionInput,
  type WabaStateChange,
} from './account-state';
export { isJsonObject, type JsonObject } from './json';
export { META_PAIR_LIMIT } from './limits';
export {
  inboundAmendment,
  inboundChoice,
  inboundReaction,
  inboundReferencedWamid,
  inboundUserText,
  type InboundAmendment,
  type InboundChoice,
} from './inbound-message';

// The one Graph API client (gateway and dispatcher; ADR 0187).
export * from './graph';
