/**
 * The public event model: what a tenant's webhook endpoint receives (DESIGN §12). Each event
 * type is one class (`<Name>EventV1`, see public-events.v1.ts); a delivery's body is exactly
 * `{type, timestamp, data}` and its `webhook-id` header is the event id. A breaking change to a
 * type's data is a new version (a new class and schema), never an edit of this one. The JSON
 * Schema of every type is checked in at docs/events/<type>.v1.schema.json.
 */
export const PUBLIC_EVENT_TYPES = [
  'message.received',
  'message.status',
  'message.accepted',
  'message.rejected',
  'message.failed',
  'message.retry_scheduled',
  'message.dead_lettered',
  'template.status',
  'number.changed',
  'contact.changed',
  'account.alert',
] as const;
export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

/** Headers of a delivery (Standard Webhooks). */
export const WEBHOOK_HEADER = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** Prefix of an endpoint's signing secret (the rest is base64 of the HMAC key bytes). */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A delivery body: `{type, timestamp, data}`. */
export interface PublicEventBody<D extends object = object> {
  type: PublicEventType;
  /** When the event happened (ISO-8601). */
  timestamp: string;
  data: D;
}
