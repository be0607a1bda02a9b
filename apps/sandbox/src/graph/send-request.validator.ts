import { checkSendBody, GRAPH_CODE_OF, graphDetails, isJsonObject, MEDIA_MESSAGE_TYPES, validateSendRequest } from '@wabridge/meta';
import { GraphError } from '../common/graph-error';

/**
 * Validates a `POST /{version}/{phone-number-id}/messages` body the way Meta documents it and
 * reduces it to what the sandbox's rules need. The decision is libs/meta's send-rule table, the
 * same one the gateway refuses with before accepting (ADR 0183); the first violation is answered
 * with Meta's code for its kind: a missing required field → 131008, a value out of range →
 * 131009, a malformed request (not an object, unsupported type, unknown field, wrong product,
 * a violation of Meta's OpenAPI schema) → 100.
 */
export type ParsedSend = MarkAsRead | OutboundMessage;

export interface MarkAsRead {
  kind: 'read';
  messageId: string;
}

export const MEDIA_TYPES = MEDIA_MESSAGE_TYPES;
export type MediaType = (typeof MEDIA_TYPES)[number];

export interface OutboundMessage {
  kind: 'message';
  type: string;
  /** The `to` field exactly as given (echoed in `contacts[].input`). */
  to?: string;
  /** `to` reduced to digits (the wa_id). */
  waId?: string;
  /** `recipient` (a BSUID), used only when `to` is absent. */
  recipient?: string;
  template?: { name: string; language: string; bodyParameters: number | null };
  media?: { type: MediaType; id?: string; link?: string };
  bizOpaqueCallbackData?: string;
}

type Json = Record<string, unknown>;

function missing(path: string): GraphError {
  return new GraphError(131008, { details: `The parameter ${path} is required.` });
}

function invalid(path: string, why: string): GraphError {
  return new GraphError(131009, { details: `Param ${path} ${why}` });
}

function malformed(details: string): GraphError {
  return new GraphError(100, { details });
}

/** Digits of a phone number as Meta reads `to` (`+1 650-555-1234` → `16505551234`); null when it is no phone number. */
export function normalizePhone(to: string): string | null {
  const digits = to.replace(/[\s+\-().]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : null;
}

export function parseSendRequest(body: unknown): ParsedSend {
  if (isJsonObject(body) && body.status !== undefined) return parseMarkAsRead(body);
  const checked = checkSendBody(body);
  const first = checked.violations[0];
  if (first || !checked.send) {
    throw new GraphError(first ? GRAPH_CODE_OF[first.kind] : 100, { details: (first ? graphDetails(first) : 'Invalid request.').slice(0, 500) });
  }
  const { send } = checked;
  const raw = body as Json;
  const parsed: OutboundMessage = { kind: 'message', type: send.type };
  if (send.to !== undefined) {
    parsed.to = String(raw.to);
    parsed.waId = send.to;
  } else if (send.recipient !== undefined) parsed.recipient = send.recipient;
  if (send.bizOpaqueCallbackData !== undefined) parsed.bizOpaqueCallbackData = send.bizOpaqueCallbackData;
  const content = raw[send.type] as Json;
  if ((MEDIA_TYPES as readonly string[]).includes(send.type)) {
    const type = send.type as MediaType;
    parsed.media = typeof content.id === 'string' ? { type, id: content.id } : { type, link: String(content.link) };
  }
  if (send.type === 'template') parsed.template = templateOf(content);
  return parsed;
}

/** A read receipt / typing indicator (`{messaging_product, status: "read", message_id, typing_indicator?}`). */
function parseMarkAsRead(body: Json): MarkAsRead {
  if (body.messaging_product === undefined) throw malformed('The parameter messaging_product is required.');
  if (body.messaging_product !== 'whatsapp') throw malformed('Param messaging_product must be one of {WHATSAPP} - got "' + String(body.messaging_product) + '".');
  if (body.status !== 'read') throw malformed('Param status must be one of {READ}.');
  if (typeof body.message_id !== 'string' || body.message_id === '') throw missing('message_id');
  if (body.typing_indicator !== undefined) {
    if (!isJsonObject(body.typing_indicator)) throw malformed('Param typing_indicator must be a JSON object.');
    if (body.typing_indicator.type !== 'text') throw invalid("typing_indicator['type']", 'must be one of {TEXT}.');
  }
  const spec = validateSendRequest(body);
  if (!spec.valid) {
    const issue = spec.errors[0];
    const where = issue && issue.path !== '' ? `Param ${issue.path.replace(/^\//, '').replace(/\//g, '.')} ` : '';
    throw malformed(`${where}${issue?.message ?? 'does not match the Cloud API schema'}.`.slice(0, 500));
  }
  return { kind: 'read', messageId: body.message_id };
}

/** The template's name, language and body parameter count (what the sandbox's template rules read). */
function templateOf(template: Json): NonNullable<OutboundMessage['template']> {
  const language = template.language as Json;
  let bodyParameters: number | null = null;
  if (Array.isArray(template.components)) {
    for (const c of template.components as Json[]) {
      if (String(c.type).toLowerCase() === 'body' && Array.isArray(c.parameters)) bodyParameters = c.parameters.length;
    }
  }
  return { name: String(template.name), language: String(language.code), bodyParameters };
}
