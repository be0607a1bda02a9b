import { validateSendRequest } from '@wabridge/meta';
import { GraphError } from '../common/graph-error';
import { isBsuid } from '../common/ids';

/**
 * Validates a `POST /{version}/{phone-number-id}/messages` body the way Meta documents it
 * (required fields, lengths, button and row counts) and reduces it to what the rules need.
 * Codes follow Meta: a missing required field → 131008, a value out of range → 131009,
 * a malformed request (not an object, unsupported type, wrong product) → 100.
 *
 * The documented rules run first because they give the specific codes; what passes them is
 * then checked against Meta's OpenAPI schema (`validateSendRequest` from @wabridge/meta, the
 * spec with its documented repairs), and a schema violation is answered with 100.
 */
export type ParsedSend = MarkAsRead | OutboundMessage;

export interface MarkAsRead {
  kind: 'read';
  messageId: string;
}

export const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
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

const SUPPORTED_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'];
const INTERACTIVE_TYPES = ['button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'catalog_message', 'location_request_message', 'address_message', 'call_permission_request', 'order_details', 'order_status'];

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function missing(path: string): GraphError {
  return new GraphError(131008, { details: `The parameter ${path} is required.` });
}

function invalid(path: string, why: string): GraphError {
  return new GraphError(131009, { details: `Param ${path} ${why}` });
}

function malformed(details: string): GraphError {
  return new GraphError(100, { details });
}

function requireObject(parent: Json, key: string, path: string): Json {
  const value = parent[key];
  if (value === undefined || value === null) throw missing(path);
  if (!isObject(value)) throw malformed(`Param ${path} must be a JSON object.`);
  return value;
}

function requireString(parent: Json, key: string, path: string, maxLength?: number): string {
  const value = parent[key];
  if (value === undefined || value === null || value === '') throw missing(path);
  if (typeof value !== 'string') throw invalid(path, 'must be a string.');
  if (maxLength !== undefined && value.length > maxLength) throw invalid(path, `must be at most ${maxLength} characters long.`);
  return value;
}

function optionalString(parent: Json, key: string, path: string, maxLength?: number): string | undefined {
  if (parent[key] === undefined) return undefined;
  return requireString(parent, key, path, maxLength);
}

function requireArray(parent: Json, key: string, path: string, min: number, max: number): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) throw missing(path);
  if (!Array.isArray(value)) throw malformed(`Param ${path} must be an array.`);
  if (value.length < min || value.length > max) throw invalid(path, `must have between ${min} and ${max} elements.`);
  return value;
}

function requireCoordinate(parent: Json, key: string, path: string, limit: number): void {
  const value = parent[key];
  if (value === undefined || value === null || value === '') throw missing(path);
  // Meta accepts numbers and numeric strings (its own examples use both).
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > limit) throw invalid(path, `must be a number between -${limit} and ${limit}.`);
}

/** Digits of a phone number as Meta reads `to` (`+1 650-555-1234` → `16505551234`); null when it is no phone number. */
export function normalizePhone(to: string): string | null {
  const digits = to.replace(/[\s+\-().]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : null;
}

export function parseSendRequest(body: unknown): ParsedSend {
  if (!isObject(body)) throw malformed('The request body must be a JSON object.');
  if (body.messaging_product === undefined) throw malformed('The parameter messaging_product is required.');
  if (body.messaging_product !== 'whatsapp') throw malformed('Param messaging_product must be one of {WHATSAPP} - got "' + String(body.messaging_product) + '".');

  if (body.status !== undefined) {
    if (body.status !== 'read') throw malformed('Param status must be one of {READ}.');
    const messageId = requireString(body, 'message_id', 'message_id');
    if (body.typing_indicator !== undefined) {
      const typing = requireObject(body, 'typing_indicator', 'typing_indicator');
      if (typing.type !== 'text') throw invalid("typing_indicator['type']", 'must be one of {TEXT}.');
    }
    checkAgainstSpec(body);
    return { kind: 'read', messageId };
  }

  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') throw invalid('recipient_type', 'must be one of {INDIVIDUAL}.');
  const parsed: OutboundMessage = { kind: 'message', type: 'text' };
  const to = body.to;
  if (to !== undefined && to !== null && to !== '') {
    if (typeof to !== 'string') throw malformed('Param to must be a string.');
    const waId = normalizePhone(to);
    if (waId === null) throw malformed(`Param to is not a valid phone number: "${to.slice(0, 64)}".`);
    parsed.to = to;
    parsed.waId = waId;
  } else if (body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !isBsuid(body.recipient)) throw malformed('Param recipient must be a business-scoped user id (CC.<id>).');
    parsed.recipient = body.recipient;
  } else {
    throw malformed('The parameter to is required.');
  }

  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !SUPPORTED_TYPES.includes(type)) throw malformed(`Param type must be one of {${SUPPORTED_TYPES.join(', ').toUpperCase()}}.`);
  parsed.type = type;

  if (body.context !== undefined) requireString(requireObject(body, 'context', 'context'), 'message_id', "context['message_id']");
  if (body.biz_opaque_callback_data !== undefined) parsed.bizOpaqueCallbackData = requireString(body, 'biz_opaque_callback_data', 'biz_opaque_callback_data', 512);

  switch (type) {
    case 'text': {
      const text = requireObject(body, 'text', 'text');
      requireString(text, 'body', "text['body']", 4096);
      if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') throw invalid("text['preview_url']", 'must be a boolean.');
      break;
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      parsed.media = parseMedia(body, type);
      break;
    case 'location': {
      const location = requireObject(body, 'location', 'location');
      requireCoordinate(location, 'latitude', "location['latitude']", 90);
      requireCoordinate(location, 'longitude', "location['longitude']", 180);
      optionalString(location, 'name', "location['name']", 1000);
      optionalString(location, 'address', "location['address']", 1000);
      break;
    }
    case 'contacts': {
      const contacts = requireArray(body, 'contacts', 'contacts', 1, 257);
      contacts.forEach((c, i) => {
        if (!isObject(c)) throw malformed(`Param contacts[${i}] must be a JSON object.`);
        requireString(requireObject(c, 'name', `contacts[${i}]['name']`), 'formatted_name', `contacts[${i}]['name']['formatted_name']`);
      });
      break;
    }
    case 'reaction': {
      const reaction = requireObject(body, 'reaction', 'reaction');
      requireString(reaction, 'message_id', "reaction['message_id']");
      // An empty emoji removes a reaction, so only the type is checked.
      if (reaction.emoji !== undefined && typeof reaction.emoji !== 'string') throw invalid("reaction['emoji']", 'must be a string.');
      break;
    }
    case 'interactive':
      parseInteractive(requireObject(body, 'interactive', 'interactive'));
      break;
    case 'template':
      parsed.template = parseTemplate(requireObject(body, 'template', 'template'));
      break;
  }
  checkAgainstSpec(body);
  return parsed;
}

function checkAgainstSpec(body: Json): void {
  const result = validateSendRequest(body);
  if (result.valid) return;
  const first = result.errors[0];
  const where = first && first.path !== '' ? `Param ${first.path.replace(/^\//, '').replace(/\//g, '.')} ` : '';
  throw malformed(`${where}${first?.message ?? 'does not match the Cloud API schema'}.`.slice(0, 500));
}

function parseMedia(body: Json, type: MediaType): NonNullable<OutboundMessage['media']> {
  const media = requireObject(body, type, type);
  const id = media.id;
  const link = media.link;
  if (id === undefined && link === undefined) throw missing(`${type}['id'] or ${type}['link']`);
  if (id !== undefined && link !== undefined) throw malformed(`Param ${type} must have either id or link, not both.`);
  if (type !== 'audio' && type !== 'sticker') optionalString(media, 'caption', `${type}['caption']`, 1024);
  if (type === 'document') optionalString(media, 'filename', "document['filename']", 240);
  if (id !== undefined) return { type, id: requireString(media, 'id', `${type}['id']`) };
  return { type, link: requireString(media, 'link', `${type}['link']`, 2048) };
}

function parseInteractive(interactive: Json): void {
  const type = requireString(interactive, 'type', "interactive['type']");
  if (!INTERACTIVE_TYPES.includes(type)) throw invalid("interactive['type']", `must be one of {${INTERACTIVE_TYPES.join(', ')}}.`);
  const action = requireObject(interactive, 'action', "interactive['action']");
  if (interactive.header !== undefined) {
    const header = requireObject(interactive, 'header', "interactive['header']");
    const headerType = requireString(header, 'type', "interactive['header']['type']");
    if (headerType === 'text') requireString(header, 'text', "interactive['header']['text']", 60);
  }
  const bodyRequired = type !== 'product' && type !== 'product_list';
  if (bodyRequired || interactive.body !== undefined) {
    requireString(requireObject(interactive, 'body', "interactive['body']"), 'text', "interactive['body']['text']", 1024);
  }
  if (interactive.footer !== undefined) requireString(requireObject(interactive, 'footer', "interactive['footer']"), 'text', "interactive['footer']['text']", 60);

  switch (type) {
    case 'button': {
      const buttons = requireArray(action, 'buttons', "interactive['action']['buttons']", 1, 3);
      const ids = new Set<string>();
      const titles = new Set<string>();
      buttons.forEach((b, i) => {
        const path = `interactive['action']['buttons'][${i}]`;
        if (!isObject(b)) throw malformed(`Param ${path} must be a JSON object.`);
        if (b.type !== 'reply') throw invalid(`${path}['type']`, 'must be one of {REPLY}.');
        const reply = requireObject(b, 'reply', `${path}['reply']`);
        const id = requireString(reply, 'id', `${path}['reply']['id']`, 256);
        const title = requireString(reply, 'title', `${path}['reply']['title']`, 20);
        if (ids.has(id) || titles.has(title)) throw invalid(`${path}['reply']`, 'must have a unique id and title.');
        ids.add(id);
        titles.add(title);
      });
      break;
    }
    case 'list': {
      requireString(action, 'button', "interactive['action']['button']", 20);
      const sections = requireArray(action, 'sections', "interactive['action']['sections']", 1, 10);
      let rows = 0;
      sections.forEach((s, i) => {
        const path = `interactive['action']['sections'][${i}]`;
        if (!isObject(s)) throw malformed(`Param ${path} must be a JSON object.`);
        if (sections.length > 1) requireString(s, 'title', `${path}['title']`, 24);
        else optionalString(s, 'title', `${path}['title']`, 24);
        const sectionRows = requireArray(s, 'rows', `${path}['rows']`, 1, 10);
        sectionRows.forEach((r, j) => {
          const rowPath = `${path}['rows'][${j}]`;
          if (!isObject(r)) throw malformed(`Param ${rowPath} must be a JSON object.`);
          requireString(r, 'id', `${rowPath}['id']`, 200);
          requireString(r, 'title', `${rowPath}['title']`, 24);
          optionalString(r, 'description', `${rowPath}['description']`, 72);
        });
        rows += sectionRows.length;
      });
      if (rows > 10) throw invalid("interactive['action']['sections']", 'must have at most 10 rows in total.');
      break;
    }
    case 'cta_url': {
      if (action.name !== 'cta_url') throw invalid("interactive['action']['name']", 'must be cta_url.');
      const parameters = requireObject(action, 'parameters', "interactive['action']['parameters']");
      requireString(parameters, 'display_text', "interactive['action']['parameters']['display_text']", 20);
      requireString(parameters, 'url', "interactive['action']['parameters']['url']", 2000);
      break;
    }
    case 'flow': {
      if (action.name !== 'flow') throw invalid("interactive['action']['name']", 'must be flow.');
      const parameters = requireObject(action, 'parameters', "interactive['action']['parameters']");
      requireString(parameters, 'flow_message_version', "interactive['action']['parameters']['flow_message_version']");
      requireString(parameters, 'flow_cta', "interactive['action']['parameters']['flow_cta']", 30);
      if (parameters.flow_id === undefined && parameters.flow_name === undefined) throw missing("interactive['action']['parameters']['flow_id'] or ['flow_name']");
      break;
    }
    default:
      break;
  }
}

function parseTemplate(template: Json): NonNullable<OutboundMessage['template']> {
  const name = requireString(template, 'name', "template['name']", 512);
  const language = requireObject(template, 'language', "template['language']");
  const code = requireString(language, 'code', "template['language']['code']");
  if (language.policy !== undefined && language.policy !== 'deterministic') throw invalid("template['language']['policy']", 'must be deterministic.');
  let bodyParameters: number | null = null;
  if (template.components !== undefined) {
    const components = requireArray(template, 'components', "template['components']", 0, 20);
    components.forEach((c, i) => {
      if (!isObject(c)) throw malformed(`Param template['components'][${i}] must be a JSON object.`);
      const componentType = requireString(c, 'type', `template['components'][${i}]['type']`);
      if (componentType.toLowerCase() === 'body' && Array.isArray(c.parameters)) bodyParameters = c.parameters.length;
    });
  }
  return { name, language: code, bodyParameters };
}
