/**
 * @wabridge/client: the typed TypeScript client of the Wabridge gateway API (docs/client.md).
 * Types are generated from apps/gateway/openapi.json and docs/events/*.schema.json
 * (`npm run generate -w @wabridge/client`); the package's major version is the API version.
 */
export { WabridgeClient } from './client';
export type { WabridgeClientOptions, ApiResponse, Page, SendMessageBody, SendMessageResult } from './client';
export { WabridgeError, WabridgeApiError, WabridgeTimeoutError, WabridgeNetworkError } from './errors';
export type { RetryOptions } from './retry';
export { retryAfterMs } from './retry';
export type { ApiPath, HttpMethod, Operation, PathsWith, PathParams, QueryParams, RequestBody, SuccessBody, PageItem, RequestOptions } from './operations';
export {
  verifyWebhook, signWebhook, isWebhookEvent, isKnownWebhookEventType, WebhookVerificationError, DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
} from './webhooks';
export type { WebhookEvent, WebhookEventType, WebhookEventMap, WebhookHeaders, WebhookFailure, VerifyWebhookOptions } from './webhooks';
export { API_VERSION, IDEMPOTENCY_KEY_OPERATIONS } from './generated/gateway-api';
export type { paths, components, operations } from './generated/gateway-api';
export { WEBHOOK_EVENT_TYPES } from './generated/webhook-events';
export type { components as WebhookEventComponents } from './generated/webhook-events';
