import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { validateSendRequest } from '../openapi/send-request';
import { boundedMemo } from './bounded-memo';
import { checkMessageObject, isSendMessageType, SEND_MESSAGE_TYPES, SendMessageType } from './message-object.rules';
import { isJsonObject, Json, Violations } from './rule-kit';
import { pointerSegments, SendRuleViolation } from './violations';

/**
 * The whole Cloud API send body (`POST /{version}/{phone-number-id}/messages`): the envelope
 * (product, recipient, type, reply context, callback data), the `<type>` object
 * (message-object.rules.ts), then Meta's OpenAPI schema with its documented repairs — in that
 * order, because the documented rules give the specific answers. The gateway's native and
 * Cloud-compatible routes and the sandbox's Graph route all decide with this one function.
 */

/** Business-scoped user id (`CC.<id>`, optionally `CC.ENT.<id>` for managed businesses), Meta 2026. */
export const BSUID_PATTERN = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9_-]{1,120}$/;

export const isBsuid = (v: unknown): v is string => typeof v === 'string' && BSUID_PATTERN.test(v);

/**
 * Interactive kinds Meta documents and accepts that the vendored v23 schema lacks or describes
 * wrongly (`catalog_message` there demands a list's button and sections): checked by the rule
 * table alone.
 */
export const SPEC_UNCHECKED_INTERACTIVE: Readonly<Record<string, string>> = {
  cta_url: 'not in the v23 schema',
  location_request_message: 'not in the v23 schema',
  address_message: 'not in the v23 schema',
  voice_call: 'not in the v23 schema',
  catalog_message: 'the v23 schema requires a list\'s action.button and action.sections',
};

/** Fields of a send body besides the `<type>` object. */
export const SEND_ENVELOPE_FIELDS = ['messaging_product', 'recipient_type', 'to', 'recipient', 'type', 'context', 'biz_opaque_callback_data'] as const;

/**
 * libphonenumber's parse is the costliest step of checking a send (~4 % of the gateway's CPU at
 * load: a +1 number walks every NANPA country's patterns), and a pure function of the string:
 * the answers for the last 10,000 distinct `to` strings are kept (ADR 0116).
 */
const knownPhones = boundedMemo(parseRecipientPhone, 10_000);

/**
 * `to` as Meta's digits (E.164 without '+'), or undefined. Checked the way Meta checks it: a
 * *possible* number — digits once `+`, spaces, dashes, dots and parentheses are stripped, a
 * country calling code that exists, and a length that country's numbers can have. Whether the
 * number is assigned is Meta's to say, asynchronously (131026; ADR 0069).
 */
export function normalizeRecipientPhone(to: unknown): string | undefined {
  return typeof to === 'string' ? knownPhones(to) : undefined;
}

function parseRecipientPhone(to: string): string | undefined {
  const cleaned = to.trim().replace(/[\s().-]/g, '');
  if (!/^\+?\d{7,15}$/.test(cleaned)) return undefined;
  const parsed = parsePhoneNumberFromString(`+${cleaned.replace(/^\+/, '')}`);
  if (!parsed || !parsed.isPossible()) return undefined;
  return parsed.number.slice(1);
}

export interface SendBodyCheck {
  readonly violations: SendRuleViolation[];
  /** What passed, for the caller to use (set only without violations). */
  readonly send?: {
    readonly type: SendMessageType;
    /** `to` as digits. */
    readonly to?: string;
    readonly recipient?: string;
    /** `{type, <type>: {...}, context?}` exactly as given (context reduced to its message_id). */
    readonly message: Json;
    readonly bizOpaqueCallbackData?: string;
  };
}

export interface SendBodyOptions {
  /** Keys allowed besides the envelope's and the `<type>` object (the gateway's native route). */
  readonly extraFields?: readonly string[];
}

export function checkSendBody(body: unknown, options: SendBodyOptions = {}): SendBodyCheck {
  const p = new Violations();
  if (!isJsonObject(body)) {
    p.add([], 'malformed', 'must be a JSON object');
    return { violations: p.list };
  }
  if (body.messaging_product !== 'whatsapp') p.add(['messaging_product'], 'malformed', body.messaging_product === undefined ? 'is required' : 'must be "whatsapp"');
  if (body.recipient_type !== undefined) p.oneOf(body, 'recipient_type', [], ['individual']);

  const typeValue = body.type ?? 'text';
  if (!isSendMessageType(typeValue)) {
    p.add(['type'], 'malformed', `must be one of ${SEND_MESSAGE_TYPES.join(', ')}`);
    return { violations: p.list };
  }
  const type = typeValue;
  const allowed: readonly string[] = [...SEND_ENVELOPE_FIELDS, ...(options.extraFields ?? [])];
  for (const key of Object.keys(body)) {
    if (key !== type && !allowed.includes(key)) p.add([key], 'malformed', `is not allowed here${isSendMessageType(key) ? ` (type is ${type})` : ''}`);
  }

  let to: string | undefined;
  let recipient: string | undefined;
  const hasTo = body.to !== undefined && body.to !== null && body.to !== '';
  if (hasTo) {
    to = normalizeRecipientPhone(body.to);
    if (to === undefined) p.add(['to'], 'malformed', 'must be a phone number with its country code, e.g. +14155550123');
  }
  if (body.recipient !== undefined) {
    if (!isBsuid(body.recipient)) p.add(['recipient'], 'malformed', 'must be a business-scoped user id such as US.13491208655302741918');
    else recipient = body.recipient;
  }
  if (!hasTo && body.recipient === undefined) p.add(['to'], 'malformed', 'is required: a phone number (E.164), or recipient (a business-scoped user id)');

  const message: Json = { type, [type]: body[type] };
  if (body.context !== undefined) {
    const context = p.obj(body, 'context', [], true);
    const id = context ? p.str(context, 'message_id', ['context'], { required: true, max: 512 }) : undefined;
    if (id !== undefined) message.context = { message_id: id };
  }
  let bizOpaqueCallbackData: string | undefined;
  if (body.biz_opaque_callback_data !== undefined) bizOpaqueCallbackData = p.str(body, 'biz_opaque_callback_data', [], { max: 512 });

  p.list.push(...checkMessageObject(type, body[type]));
  if (p.list.length > 0) return { violations: p.list };

  const interactiveType = type === 'interactive' && isJsonObject(body.interactive) ? String(body.interactive.type) : undefined;
  if (interactiveType === undefined || !(interactiveType in SPEC_UNCHECKED_INTERACTIVE)) {
    const metaBody: Json = { messaging_product: 'whatsapp', recipient_type: 'individual', ...message };
    if (to !== undefined) metaBody.to = to;
    if (recipient !== undefined) metaBody.recipient = recipient;
    if (bizOpaqueCallbackData !== undefined) metaBody.biz_opaque_callback_data = bizOpaqueCallbackData;
    const spec = validateSendRequest(metaBody);
    if (!spec.valid) {
      for (const issue of spec.errors.slice(0, 10)) p.add(pointerSegments(issue.path), 'malformed', issue.message);
      return { violations: p.list };
    }
  }
  const send: NonNullable<SendBodyCheck['send']> = {
    type,
    message,
    ...(to !== undefined ? { to } : {}),
    ...(recipient !== undefined ? { recipient } : {}),
    ...(bizOpaqueCallbackData !== undefined ? { bizOpaqueCallbackData } : {}),
  };
  return { violations: [], send };
}
