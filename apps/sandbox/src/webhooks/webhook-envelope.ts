/**
 * Builds Meta's webhook envelope (`{object, entry:[{id, changes:[{value, field}]}]}`) from
 * queued updates, batching the way Meta does: one entry per WABA, one change per number and
 * kind, several statuses or messages in one change.
 */
export type WebhookField =
  | 'messages' | 'message_template_status_update'
  // account state (src/account): quality/tier/throughput, display name, review, bans and restrictions
  | 'phone_number_quality_update' | 'phone_number_name_update' | 'account_review_update' | 'account_update';

export interface WebhookUpdate {
  wabaId: string;
  field: WebhookField;
  /** `statuses` and `messages` go into a number's change value; `event` is a change value by itself. */
  kind: 'status' | 'message' | 'event';
  /** For `messages`-field updates: the business number the update concerns. */
  phoneNumber?: { id: string; display: string };
  /** The status object, message object, or whole change value for events. */
  value: Record<string, unknown>;
  /** The `contacts[]` entry that goes with a status or message. */
  contact?: Record<string, unknown>;
  /** Epoch seconds for the entry's `time` (template events). */
  time?: number;
}

export interface WebhookEnvelope {
  object: 'whatsapp_business_account';
  entry: { id: string; time?: number; changes: { value: Record<string, unknown>; field: WebhookField }[] }[];
}

export function buildEnvelope(updates: readonly WebhookUpdate[]): WebhookEnvelope {
  const entries = new Map<string, WebhookEnvelope['entry'][number]>();
  const changeValues = new Map<string, { value: Record<string, unknown>; contactKeys: Set<string> }>();
  for (const u of updates) {
    let entry = entries.get(u.wabaId);
    if (!entry) {
      entry = { id: u.wabaId, changes: [] };
      if (u.time !== undefined) entry.time = u.time;
      entries.set(u.wabaId, entry);
    }
    if (u.kind === 'event') {
      entry.changes.push({ value: u.value, field: u.field });
      continue;
    }
    const changeKey = `${u.wabaId}|${u.phoneNumber?.id ?? ''}|${u.kind}`;
    let change = changeValues.get(changeKey);
    if (!change) {
      const value: Record<string, unknown> = {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: u.phoneNumber?.display ?? '', phone_number_id: u.phoneNumber?.id ?? '' },
      };
      change = { value, contactKeys: new Set() };
      changeValues.set(changeKey, change);
      entry.changes.push({ value, field: u.field });
    }
    if (u.contact) {
      const contactKey = JSON.stringify(u.contact);
      if (!change.contactKeys.has(contactKey)) {
        change.contactKeys.add(contactKey);
        appendTo(change.value, 'contacts', u.contact);
      }
    }
    appendTo(change.value, u.kind === 'status' ? 'statuses' : 'messages', u.value);
  }
  return { object: 'whatsapp_business_account', entry: [...entries.values()] };
}

function appendTo(value: Record<string, unknown>, key: string, item: Record<string, unknown>): void {
  const existing = value[key];
  if (Array.isArray(existing)) existing.push(item);
  else value[key] = [item];
}
