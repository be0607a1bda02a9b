import { OutboundMessageType } from '@wabridge/contracts';
import { validateSendRequest } from '@wabridge/meta';
import { BSUID_PATTERN, FieldProblem, isMessageType, normalizeTo, validateMessageObject } from './message-rules';

/** A send after validation, whichever route it came from. */
export interface NormalizedSend {
  phoneNumberId: string;
  to?: string;
  recipient?: string;
  type: OutboundMessageType;
  /** Meta's body without messaging_product / to / recipient: `{type, <type>: {...}, context?}`. */
  message: Record<string, unknown>;
  metadata?: Record<string, string>;
  sendAt?: string;
  campaignId?: string;
  source: 'api' | 'cloud-api';
}

export class SendValidationError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems[0] ? `${problems[0].field}: ${problems[0].problems[0]}` : 'invalid message');
    this.name = 'SendValidationError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SPEC_LAGGING_INTERACTIVE = ['cta_url', 'location_request_message', 'address_message', 'voice_call'];
const NATIVE_FIELDS = ['phoneNumberId', 'to', 'recipient', 'type', 'context', 'metadata', 'sendAt', 'campaignId'];
const CLOUD_FIELDS = ['messaging_product', 'recipient_type', 'to', 'recipient', 'type', 'context', 'biz_opaque_callback_data'];

/** `/interactive/action/buttons/0/reply/title` → `interactive.action.buttons[0].reply.title`. */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function parseCommon(body: Obj, source: NormalizedSend['source'], phoneNumberId: string, allowed: string[]): NormalizedSend {
  const problems: FieldProblem[] = [];
  const typeValue = body.type ?? (source === 'cloud-api' ? 'text' : undefined);
  if (!isMessageType(typeValue)) {
    throw new SendValidationError([{ field: 'type', problems: [typeValue === undefined ? 'type is required' : `type must be one of text, image, audio, video, document, sticker, template, interactive, location, contacts, reaction`] }]);
  }
  const type = typeValue;
  for (const key of Object.keys(body)) {
    if (key !== type && !allowed.includes(key)) problems.push({ field: key, problems: [`${key} is not allowed here${isMessageType(key) ? ` (type is ${type})` : ''}`] });
  }
  let to: string | undefined;
  let recipient: string | undefined;
  if (body.to !== undefined) {
    const n = normalizeTo(body.to);
    if (n.problem) problems.push(n.problem);
    to = n.to;
  }
  if (body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !BSUID_PATTERN.test(body.recipient)) {
      problems.push({ field: 'recipient', problems: ['recipient must be a business-scoped user id such as US.13491208655302741918'] });
    } else recipient = body.recipient;
  }
  if (body.to === undefined && body.recipient === undefined) problems.push({ field: 'to', problems: ['to (E.164 phone number) or recipient (business-scoped user id) is required'] });
  problems.push(...validateMessageObject(type, body[type]));
  const message: Obj = { type, [type]: body[type] };
  if (body.context !== undefined) {
    if (!isObj(body.context) || typeof body.context.message_id !== 'string' || body.context.message_id.length === 0) {
      problems.push({ field: 'context.message_id', problems: ['context.message_id must be the id (ours or the wamid) of the message replied to'] });
    } else message.context = { message_id: body.context.message_id };
  }
  // Meta's own schema (vendored spec + documented overrides) on the Meta-shaped body. The v23
  // spec lacks some interactive types Meta documents and accepts (cta_url, …): those are
  // checked by our rules alone.
  const specKnows = !(type === 'interactive' && isObj(body.interactive) && SPEC_LAGGING_INTERACTIVE.includes(String(body.interactive.type)));
  if (problems.length === 0 && specKnows) {
    const metaBody: Obj = { messaging_product: 'whatsapp', recipient_type: 'individual', ...message };
    if (to !== undefined) metaBody.to = to;
    if (recipient !== undefined) metaBody.recipient = recipient;
    const spec = validateSendRequest(metaBody);
    if (!spec.valid) {
      for (const issue of spec.errors.slice(0, 10)) {
        const field = pointerToField(issue.path) || type;
        problems.push({ field, problems: [`${field} ${issue.message}`] });
      }
    }
  }
  if (problems.length > 0) throw new SendValidationError(problems);
  const out: NormalizedSend = { phoneNumberId, type, message, source };
  if (to !== undefined) out.to = to;
  else if (recipient !== undefined) out.recipient = recipient;
  if (to !== undefined && recipient !== undefined) out.recipient = recipient; // `to` wins at Meta; keep both
  return out;
}

/** How far ahead `sendAt` may be (issue 11): further is a mistake (or year 9999), not a plan. */
export const MAX_SEND_AT_DAYS = 30;

/**
 * How far in the past `sendAt` may be and still mean "now" (client clocks drift): anything
 * earlier is refused as past (issue 20), not silently sent at once.
 */
export const SEND_AT_PAST_TOLERANCE_MS = 60_000;

/** `POST /v1/messages`: `{phoneNumberId, to|recipient, type, <type>, context?, metadata?, sendAt?, campaignId?}`. */
export function parseNativeSend(body: unknown, now: number = Date.now()): NormalizedSend {
  if (!isObj(body)) throw new SendValidationError([{ field: 'body', problems: ['body must be a JSON object'] }]);
  const problems: FieldProblem[] = [];
  if (typeof body.phoneNumberId !== 'string' || !/^\d{1,32}$/.test(body.phoneNumberId)) {
    problems.push({ field: 'phoneNumberId', problems: ['phoneNumberId must be the numeric id of one of your phone numbers'] });
  }
  if (body.metadata !== undefined) {
    const ok = isObj(body.metadata) && Object.keys(body.metadata).length <= 20 &&
      Object.entries(body.metadata).every(([k, v]) => k.length <= 64 && typeof v === 'string' && v.length <= 512);
    if (!ok) problems.push({ field: 'metadata', problems: ['metadata must be an object of at most 20 string values (keys ≤ 64, values ≤ 512 chars)'] });
  }
  if (body.sendAt !== undefined && (typeof body.sendAt !== 'string' || Number.isNaN(Date.parse(body.sendAt)) || !/^\d{4}-\d\d-\d\dT/.test(body.sendAt))) {
    problems.push({ field: 'sendAt', problems: ['sendAt must be an ISO 8601 timestamp'] });
  } else if (typeof body.sendAt === 'string') {
    const latest = now + MAX_SEND_AT_DAYS * 86_400_000;
    const at = Date.parse(body.sendAt);
    if (at > latest) {
      problems.push({ field: 'sendAt', problems: [`sendAt must be at most ${MAX_SEND_AT_DAYS} days ahead (no later than ${new Date(latest).toISOString()})`] });
    } else if (at < now - SEND_AT_PAST_TOLERANCE_MS) {
      problems.push({ field: 'sendAt', problems: [`sendAt is in the past (now is ${new Date(now).toISOString()}); omit it to send now`] });
    }
  }
  if (body.campaignId !== undefined && (typeof body.campaignId !== 'string' || body.campaignId.length < 1 || body.campaignId.length > 64)) {
    problems.push({ field: 'campaignId', problems: ['campaignId must be a string of 1-64 characters'] });
  }
  if (problems.length > 0) throw new SendValidationError(problems);
  const send = parseCommon(body, 'api', body.phoneNumberId as string, NATIVE_FIELDS);
  if (body.metadata !== undefined) send.metadata = body.metadata as Record<string, string>;
  if (typeof body.sendAt === 'string') send.sendAt = new Date(body.sendAt).toISOString();
  if (typeof body.campaignId === 'string') send.campaignId = body.campaignId;
  return send;
}

/** `POST /:version/:phoneNumberId/messages`: Meta's send body, exactly. */
export function parseCloudSend(phoneNumberId: string, body: unknown): NormalizedSend {
  if (!isObj(body)) throw new SendValidationError([{ field: 'body', problems: ['body must be a JSON object'] }]);
  if (body.messaging_product !== 'whatsapp') {
    throw new SendValidationError([{ field: 'messaging_product', problems: ['messaging_product must be "whatsapp"'] }]);
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw new SendValidationError([{ field: 'recipient_type', problems: ['recipient_type must be "individual"'] }]);
  }
  const send = parseCommon(body, 'cloud-api', phoneNumberId, CLOUD_FIELDS);
  if (typeof body.biz_opaque_callback_data === 'string') {
    // Meta's field carries our message id to the dispatcher; the caller's value is kept as metadata.
    send.metadata = { biz_opaque_callback_data: body.biz_opaque_callback_data.slice(0, 512) };
  }
  return send;
}
