import { OutboundMessageType } from '@wabridge/contracts';
import { checkSendBody, describeViolation, isJsonObject, isSendMessageType, SEND_MESSAGE_TYPES, SendRuleViolation, violationField } from '@wabridge/meta';
import { FieldProblem } from './message-rules';

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

/** Our own fields of `POST /v1/messages` (everything else is Meta's send body). */
const NATIVE_ONLY_FIELDS = ['phoneNumberId', 'metadata', 'sendAt', 'campaignId'];
/** Meta's envelope fields the native route does not take (it sets them itself). */
const META_ONLY_FIELDS = ['messaging_product', 'recipient_type', 'biz_opaque_callback_data'];

const problemsOf = (violations: readonly SendRuleViolation[]): FieldProblem[] =>
  violations.map((v) => ({ field: violationField(v), problems: [describeViolation(v)] }));

/**
 * The Meta-shaped part of a send, decided by libs/meta's rule table (the sandbox answers with
 * the same one, so a body we accept is one the Cloud API stand-in accepts; ADR 0183).
 */
function parseMetaBody(metaBody: Obj, source: NormalizedSend['source'], phoneNumberId: string, extra: FieldProblem[] = []): NormalizedSend {
  const checked = checkSendBody(metaBody);
  const problems = [...extra, ...problemsOf(checked.violations)];
  if (problems.length > 0 || !checked.send) throw new SendValidationError(problems);
  const { send } = checked;
  const out: NormalizedSend = { phoneNumberId, type: send.type, message: send.message, source };
  if (send.to !== undefined) out.to = send.to;
  if (send.recipient !== undefined) out.recipient = send.recipient; // with both, `to` wins at Meta; keep both
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
  if (!isJsonObject(body)) throw new SendValidationError([{ field: 'body', problems: ['body must be a JSON object'] }]);
  const problems: FieldProblem[] = [];
  if (typeof body.phoneNumberId !== 'string' || !/^\d{1,32}$/.test(body.phoneNumberId)) {
    problems.push({ field: 'phoneNumberId', problems: ['phoneNumberId must be the numeric id of one of your phone numbers'] });
  }
  if (body.metadata !== undefined) {
    const ok = isJsonObject(body.metadata) && Object.keys(body.metadata).length <= 20 &&
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
  if (!isSendMessageType(body.type)) {
    throw new SendValidationError([{ field: 'type', problems: [body.type === undefined ? 'type is required' : `type must be one of ${SEND_MESSAGE_TYPES.join(', ')}`] }]);
  }
  const metaBody: Obj = { messaging_product: 'whatsapp' };
  const misplaced: FieldProblem[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (META_ONLY_FIELDS.includes(key)) misplaced.push({ field: key, problems: [`${key} is not allowed here`] });
    else if (!NATIVE_ONLY_FIELDS.includes(key)) metaBody[key] = value;
  }
  const send = parseMetaBody(metaBody, 'api', body.phoneNumberId as string, misplaced);
  if (body.metadata !== undefined) send.metadata = body.metadata as Record<string, string>;
  if (typeof body.sendAt === 'string') send.sendAt = new Date(body.sendAt).toISOString();
  if (typeof body.campaignId === 'string') send.campaignId = body.campaignId;
  return send;
}

/** `POST /:version/:phoneNumberId/messages`: Meta's send body, exactly. */
export function parseCloudSend(phoneNumberId: string, body: unknown): NormalizedSend {
  if (!isJsonObject(body)) throw new SendValidationError([{ field: 'body', problems: ['body must be a JSON object'] }]);
  const send = parseMetaBody(body, 'cloud-api', phoneNumberId);
  if (typeof body.biz_opaque_callback_data === 'string') {
    // Meta's field carries our message id to the dispatcher; the caller's value is kept as metadata.
    send.metadata = { biz_opaque_callback_data: body.biz_opaque_callback_data };
  }
  return send;
}
