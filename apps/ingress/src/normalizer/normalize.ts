import { createHash } from 'node:crypto';
import {
  ACCOUNT_EVENT_V1, AccountEventV1, INBOUND_MESSAGE_TYPES, INBOUND_MESSAGE_V1, InboundMessageType, InboundMessageV1,
  MESSAGE_STATUSES, MessageStatus, MetaErrorDto, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { inboundReferencedWamid, isJsonObject, walkWebhook } from '@wabridge/meta';

/** One typed event to produce, with its dedupe key (unique in the ingress schema). */
export type NormalizedEvent =
  | { topic: typeof INBOUND_MESSAGE_V1.topic; key: string; dedupeKey: string; value: InboundMessageV1 }
  | { topic: typeof STATUS_UPDATED_V1.topic; key: string; dedupeKey: string; value: StatusUpdatedV1 }
  | { topic: typeof ACCOUNT_EVENT_V1.topic; key: string; dedupeKey: string; value: AccountEventV1 };

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined);

/** Meta timestamps are unix seconds as strings (sometimes numbers); anything else → fallback. */
export function metaTime(v: unknown, fallback: string): string {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return fallback;
  const ms = n > 1e12 ? n : n * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? fallback : d.toISOString();
}

const KNOWN_TYPES = new Set<string>(INBOUND_MESSAGE_TYPES);

function inboundType(raw: Obj): { type: InboundMessageType; metaType?: string } {
  const t = typeof raw.type === 'string' ? raw.type : undefined;
  if (t && KNOWN_TYPES.has(t)) return { type: t as InboundMessageType };
  // `unknown` (older API), new types, or no type at all: keep everything, typed as unsupported.
  return { type: 'unsupported', metaType: t ?? '(none)' };
}

function findContact(contacts: Obj[], waId?: string, userId?: string): Obj | undefined {
  return (
    contacts.find((c) => (waId && str(c.wa_id) === waId) || (userId && str(c.user_id) === userId)) ??
    (contacts.length === 1 ? contacts[0] : undefined)
  );
}

function accountKind(field: string, value: Obj): { kind: string; event?: string } {
  const event = str(value.event);
  switch (field) {
    case 'message_template_status_update': return { kind: 'template-status', event };
    case 'message_template_quality_update': return { kind: 'template-quality', event };
    case 'template_category_update': return { kind: 'template-category', event };
    case 'phone_number_quality_update': return { kind: 'phone-quality', event };
    case 'phone_number_name_update': return { kind: 'phone-name', event };
    case 'account_update': return { kind: 'account-update', event };
    case 'account_review_update': return { kind: 'account-review', event: str(value.decision) ?? event };
    case 'account_alerts': return { kind: 'account-alert', event };
    case 'business_capability_update': return { kind: 'capability', event };
    case 'user_preferences': return { kind: 'user-preferences', event };
    case 'calls': return { kind: 'calls', event };
    case 'messages': return { kind: 'webhook-errors', event };
    default: return { kind: field.replace(/_/g, '-') || 'unknown', event };
  }
}

/**
 * Splits one Meta webhook body into typed events: one per message, one per status, one per
 * non-message change (and one per `value.errors` block). Pure; never throws on odd input.
 */
export function normalizeWebhook(payload: unknown, appId: string, receivedAt: string): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  for (const change of walkWebhook(payload)) {
    const value = isJsonObject(change.value) ? change.value : {};
    const wabaId = change.entryId ?? 'unknown';
    const phoneNumberId = change.metadata?.phoneNumberId;
    const displayPhoneNumber = change.metadata?.displayPhoneNumber;
    const contacts = (change.contacts as unknown[]).filter(isJsonObject);
    const field = change.field ?? 'unknown';

    if (field === 'messages' && phoneNumberId) {
      for (const raw of (change.messages as unknown[]).filter(isJsonObject)) {
        const wamid = str(raw.id);
        if (!wamid) continue; // a message without an id cannot be deduped or referenced; kept via the account event below
        const waId = str(raw.from);
        const userId = str(raw.from_user_id);
        const contact = findContact(contacts, waId, userId);
        const profile = isJsonObject(contact?.profile) ? contact.profile : undefined;
        const { type, metaType } = inboundType(raw);
        const contextWamid = inboundReferencedWamid(raw);
        const value: InboundMessageV1 = {
          wamid, type, phoneNumberId, wabaId, appId, receivedAt,
          occurredAt: metaTime(raw.timestamp, receivedAt),
          raw,
          ...(metaType ? { metaType } : {}),
          ...(displayPhoneNumber ? { displayPhoneNumber } : {}),
          ...(waId ?? str(contact?.wa_id) ? { waId: waId ?? str(contact?.wa_id) } : {}),
          ...(userId ?? str(contact?.user_id) ? { userId: userId ?? str(contact?.user_id) } : {}),
          ...(str(raw.from_parent_user_id) ?? str(contact?.parent_user_id) ? { parentUserId: str(raw.from_parent_user_id) ?? str(contact?.parent_user_id) } : {}),
          ...(str(profile?.username) ? { username: str(profile?.username) } : {}),
          ...(str(profile?.name) ? { profileName: str(profile?.name) } : {}),
          ...(contextWamid ? { contextWamid } : {}),
          ...(contact ? { contact } : {}),
        };
        out.push({
          topic: INBOUND_MESSAGE_V1.topic,
          key: `${phoneNumberId}:${value.waId ?? value.userId ?? 'unknown'}`,
          dedupeKey: `msg:${wamid}`,
          value,
        });
      }
      for (const raw of (change.statuses as unknown[]).filter(isJsonObject)) {
        const wamid = str(raw.id);
        const status = str(raw.status);
        if (!wamid || !status || !(MESSAGE_STATUSES as readonly string[]).includes(status)) continue;
        const recipientId = str(raw.recipient_id);
        const recipientUserId = str(raw.recipient_user_id);
        const errors = Array.isArray(raw.errors)
          ? raw.errors.filter(isJsonObject).filter((e) => typeof e.code === 'number').map((e) => e as unknown as MetaErrorDto)
          : undefined;
        const value: StatusUpdatedV1 = {
          wamid, status: status as MessageStatus, phoneNumberId, wabaId, appId, receivedAt,
          occurredAt: metaTime(raw.timestamp, receivedAt),
          raw,
          ...(displayPhoneNumber ? { displayPhoneNumber } : {}),
          ...(recipientId ? { recipientId } : {}),
          ...(recipientUserId ? { recipientUserId } : {}),
          ...(str(raw.recipient_parent_user_id) ? { recipientParentUserId: str(raw.recipient_parent_user_id) } : {}),
          ...(str(raw.biz_opaque_callback_data) ? { bizOpaqueCallbackData: str(raw.biz_opaque_callback_data) } : {}),
          ...(errors && errors.length > 0 ? { errors } : {}),
          ...(isJsonObject(raw.pricing) ? { pricing: raw.pricing } : {}),
          ...(isJsonObject(raw.conversation) ? { conversation: raw.conversation } : {}),
        };
        out.push({
          topic: STATUS_UPDATED_V1.topic,
          key: `${phoneNumberId}:${recipientId ?? recipientUserId ?? 'unknown'}`,
          dedupeKey: `status:${wamid}:${status}`,
          value,
        });
      }
    }

    // Everything that is not a message or a status — template/phone/account changes, calls,
    // user preferences, `value.errors`, and message changes without metadata — is an account
    // event, so nothing Meta sends is dropped.
    const leftover = field !== 'messages' || !phoneNumberId || change.errors.length > 0 ||
      (change.messages.length === 0 && change.statuses.length === 0);
    if (leftover) {
      const { kind, event } = accountKind(field, value);
      const eventId = createHash('sha256').update(`${wabaId}\n${field}\n${JSON.stringify(value)}`).digest('hex').slice(0, 40);
      const templateId = str(value.message_template_id);
      const templateName = str(value.message_template_name);
      const templateLanguage = str(value.message_template_language);
      out.push({
        topic: ACCOUNT_EVENT_V1.topic,
        key: wabaId,
        dedupeKey: `acct:${eventId}`,
        value: {
          eventId, field, kind, wabaId, appId, receivedAt,
          // account changes (quality, name, review, …) carry no timestamp of their own: the entry's time orders them
          occurredAt: metaTime(value.timestamp ?? change.entryTime, receivedAt),
          value,
          ...(phoneNumberId ? { phoneNumberId } : {}),
          ...(event ? { event } : {}),
          ...(templateId ? { templateId } : {}),
          ...(templateName ? { templateName } : {}),
          ...(templateLanguage ? { templateLanguage } : {}),
        },
      });
    }
  }
  return out;
}
