import { createHash } from 'node:crypto';
import {
  ACCOUNT_EVENT_V1, AccountEventV1, CONTACT_CHANGED_V1, ContactChangedV1, INBOUND_MESSAGE_V1, inboundMediaIdOf, InboundMessageV1, OUTBOUND_EVENTS_V1,
  OutboundEventV1, PublicEventBody, PublicEventType, STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';

/** One public event for one tenant, ready to store and fan out to that tenant's endpoints. */
export interface MappedEvent {
  id: string;
  tenantId: string;
  type: PublicEventType;
  phoneNumberId: string | null;
  /** Deliveries of one endpoint and conversation go out in order (number + contact). */
  conversationKey: string;
  occurredAt: Date;
  body: PublicEventBody;
  /** `body` as JSON, serialized once by the store and sent as is by the worker (ADR 0198). */
  json?: string;
}

/**
 * Deterministic from the source (topic + the source event's natural key), so a Kafka
 * redelivery, a replay of the topic, or a producer's re-emit maps to the same id.
 */
export function publicEventId(...parts: string[]): string {
  return `evt_${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32)}`;
}

/** Phone-like recipients in one form (digits), so `+49 151…` and the wa_id `49151…` are one conversation. */
export function contactKey(id: string | undefined): string {
  if (!id) return '-';
  return /^[+\d\s().-]+$/.test(id) ? id.replace(/\D/g, '') : id;
}

function strip<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

function event(id: string, tenantId: string, type: PublicEventType, phoneNumberId: string | undefined, conversationKey: string, at: string, data: object): MappedEvent {
  return {
    id, tenantId, type, phoneNumberId: phoneNumberId ?? null, conversationKey, occurredAt: new Date(at),
    body: { type, timestamp: new Date(at).toISOString(), data: strip({ tenantId, ...data }) },
  };
}

/**
 * A media message's content object plus `mediaId`: our id of the object the media service stores
 * (deterministic from tenant and Meta's media id, ADR 0102), so a receiver can fetch
 * `GET /v1/media/:id` instead of Meta's short-lived URL; Meta's fields stay untouched.
 */
export function withOurMediaId(e: InboundMessageV1, tenantId: string, content: unknown): unknown {
  const mediaId = inboundMediaIdOf(e, tenantId);
  return mediaId === undefined ? content : { ...(content as Record<string, unknown>), mediaId };
}

/** `wa.inbound.message.v1` → `message.received`: Meta's content object under its type, with context and referral. */
export function fromInbound(e: InboundMessageV1, tenantId: string): MappedEvent {
  const raw = e.raw;
  const metaType = typeof raw['type'] === 'string' ? (raw['type'] as string) : (e.metaType ?? e.type);
  const message: Record<string, unknown> = { type: e.type };
  const content = raw[metaType] ?? raw[e.type];
  if (content !== undefined) message[e.type] = withOurMediaId(e, tenantId, content);
  for (const extra of ['context', 'referral', 'errors'] as const) {
    if (raw[extra] !== undefined) message[extra] = raw[extra];
  }
  const from = strip({ waId: e.waId, userId: e.userId, parentUserId: e.parentUserId, username: e.username, profileName: e.profileName });
  return event(publicEventId(INBOUND_MESSAGE_V1.topic, e.wamid), tenantId, 'message.received', e.phoneNumberId,
    `${e.phoneNumberId}:${contactKey(e.waId ?? e.userId)}`, e.occurredAt,
    { phoneNumberId: e.phoneNumberId, displayPhoneNumber: e.displayPhoneNumber, wabaId: e.wabaId, wamid: e.wamid, from, message });
}

/** `wa.status.updated.v1` → `message.status`, with our message id from `biz_opaque_callback_data`. */
export function fromStatus(e: StatusUpdatedV1, tenantId: string): MappedEvent {
  return event(publicEventId(STATUS_UPDATED_V1.topic, e.wamid, e.status), tenantId, 'message.status', e.phoneNumberId,
    `${e.phoneNumberId}:${contactKey(e.recipientId ?? e.recipientUserId)}`, e.occurredAt, {
      phoneNumberId: e.phoneNumberId, wamid: e.wamid, messageId: e.bizOpaqueCallbackData, status: e.status,
      recipient: strip({ waId: e.recipientId, userId: e.recipientUserId }), errors: e.errors, pricing: e.pricing, conversation: e.conversation,
    });
}

const LIFECYCLE: Partial<Record<OutboundEventV1['event'], PublicEventType>> = {
  accepted: 'message.accepted',
  rejected: 'message.rejected',
  'retry-scheduled': 'message.retry_scheduled',
  'dead-lettered': 'message.dead_lettered',
};

/**
 * `wa.outbound.events.v1` → our lifecycle events. sent/delivered/read are not re-emitted, nor a
 * `failed` that came with a wamid: `message.status` carries Meta's statuses (with pricing and
 * Meta's errors). A `failed` without a wamid had no status from Meta (Graph refused the call, or
 * a hold refused it before one): it is `message.failed` (ADR 0221), else the tenant would never
 * hear of it.
 */
export function fromOutbound(e: OutboundEventV1): MappedEvent | null {
  const type = e.event === 'failed' ? (e.wamid ? undefined : 'message.failed') : LIFECYCLE[e.event];
  if (!type) return null;
  // retry-scheduled happens once per attempt; the others once per message
  const id = publicEventId(OUTBOUND_EVENTS_V1.topic, e.id, e.event, e.event === 'retry-scheduled' ? String(e.attempt ?? e.occurredAt) : '');
  return event(id, e.tenantId, type, e.phoneNumberId, `${e.phoneNumberId}:${contactKey(e.recipient)}`, e.occurredAt, {
    phoneNumberId: e.phoneNumberId, messageId: e.id, recipient: e.recipient, wamid: e.wamid,
    error: e.error ? strip({ class: e.error.class, code: e.error.code, message: e.error.message }) : undefined,
    attempt: e.attempt, notBefore: e.notBefore,
  });
}

const TEMPLATE_KINDS = new Set(['template-status', 'template-quality', 'template-category']);
const NUMBER_KINDS = new Set(['phone-quality', 'phone-name']);
const ALERT_KINDS = new Set(['account-update', 'account-review', 'account-alert', 'capability', 'webhook-errors']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** `wa.account.event.v1` → template.status / number.changed / account.alert (others are not public). */
export function fromAccount(e: AccountEventV1, tenantId: string): MappedEvent | null {
  const id = publicEventId(ACCOUNT_EVENT_V1.topic, e.eventId, tenantId);
  const conv = e.phoneNumberId ?? `waba:${e.wabaId}`;
  const common = { phoneNumberId: e.phoneNumberId, wabaId: e.wabaId, kind: e.kind, event: e.event, value: e.value };
  if (TEMPLATE_KINDS.has(e.kind)) {
    return event(id, tenantId, 'template.status', e.phoneNumberId, conv, e.occurredAt, {
      ...common, templateId: e.templateId, templateName: e.templateName, templateLanguage: e.templateLanguage, reason: str(e.value['reason']),
    });
  }
  if (NUMBER_KINDS.has(e.kind)) {
    return event(id, tenantId, 'number.changed', e.phoneNumberId, conv, e.occurredAt, {
      ...common, displayPhoneNumber: str(e.value['display_phone_number']), messagingLimit: str(e.value['current_limit']),
      requestedName: str(e.value['requested_verified_name']),
    });
  }
  if (ALERT_KINDS.has(e.kind)) return event(id, tenantId, 'account.alert', e.phoneNumberId, conv, e.occurredAt, common);
  return null;
}

/** `wa.contact.changed.v1` → `contact.changed` (consent, window, reachability, erasure). */
export function fromContact(e: ContactChangedV1): MappedEvent {
  const who = e.waId ?? e.userId;
  return event(publicEventId(CONTACT_CHANGED_V1.topic, e.tenantId, e.phoneNumberId, who ?? '-', e.updatedAt), e.tenantId, 'contact.changed',
    e.phoneNumberId, `${e.phoneNumberId}:${contactKey(who)}`, e.updatedAt, {
      phoneNumberId: e.phoneNumberId, waId: e.waId, userId: e.userId, optedOut: e.optedOut, optInState: e.optInState,
      reachable: e.reachable, windowOpenUntil: e.windowOpenUntil, erased: e.erased,
    });
}

/** Our own notices (endpoint disabled, test sends): unique ids, one per occurrence. */
export function notice(tenantId: string, kind: string, at: Date, data: { endpointId?: string; message?: string }, uniq: string): MappedEvent {
  return event(publicEventId('notifier.notice', tenantId, kind, uniq), tenantId, 'account.alert', undefined, `notice:${data.endpointId ?? '-'}`, at.toISOString(),
    { kind, ...data });
}
