import type { WebhookContact, WebhookError, WebhookMessage, WebhookStatus } from './webhook-envelope';
import { isJsonObject } from './json';

/**
 * Splits a webhook body into its entry × change units, the step the normalizer starts with.
 *
 * Real bodies are odd (third-party senders, old API versions, Meta's own slips): arrays that
 * are missing or are not arrays, numeric timestamps, messages without `type`, ids that are
 * numbers. The walker accepts any JSON value and never throws; it only decides structure
 * (which objects are messages, statuses, contacts, errors) and hands the objects on untouched,
 * so nothing Meta sent is lost. Field-level validation is the consumer's job.
 */

export interface WebhookChangeView {
  /** `entry[].id`: the WhatsApp Business Account id (numbers are stringified). */
  entryId: string | undefined;
  /** `entry[].time` (unix seconds) when present: when Meta made the change, for changes whose value has no timestamp. */
  entryTime?: number;
  /** `changes[].field`, e.g. `messages`, `message_template_status_update`. */
  field: string | undefined;
  /** `changes[].value` as sent, if it is an object. */
  value: Record<string, unknown> | undefined;
  /** Present when `value.metadata.phone_number_id` is. */
  metadata?: { phoneNumberId: string; displayPhoneNumber: string | undefined };
  /** Objects of `value.messages[]` (non-object items are skipped), unvalidated. */
  messages: WebhookMessage[];
  statuses: WebhookStatus[];
  contacts: WebhookContact[];
  /** `value.errors[]`: errors not tied to one message. */
  errors: WebhookError[];
}

export function* walkWebhook(payload: unknown): Generator<WebhookChangeView, void, undefined> {
  if (!isJsonObject(payload)) return;
  for (const entry of objects(payload.entry)) {
    const entryId = id(entry.id);
    const entryTime = typeof entry.time === 'number' && Number.isFinite(entry.time) ? entry.time : undefined;
    for (const change of objects(entry.changes)) {
      const value = isJsonObject(change.value) ? change.value : undefined;
      const metadata = readMetadata(value?.metadata);
      yield {
        entryId,
        ...(entryTime !== undefined ? { entryTime } : {}),
        field: typeof change.field === 'string' ? change.field : undefined,
        value,
        ...(metadata ? { metadata } : {}),
        // The casts below only name what the objects are; their fields are unchecked (see above).
        messages: objects(value?.messages) as unknown as WebhookMessage[],
        statuses: objects(value?.statuses) as unknown as WebhookStatus[],
        contacts: objects(value?.contacts) as unknown as WebhookContact[],
        errors: objects(value?.errors) as unknown as WebhookError[],
      };
    }
  }
}

function readMetadata(metadata: unknown): WebhookChangeView['metadata'] {
  if (!isJsonObject(metadata)) return undefined;
  const phoneNumberId = id(metadata.phone_number_id);
  if (phoneNumberId === undefined) return undefined;
  return { phoneNumberId, displayPhoneNumber: id(metadata.display_phone_number) };
}

function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** Ids are strings at Meta, but some senders emit them as JSON numbers. */
function id(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
