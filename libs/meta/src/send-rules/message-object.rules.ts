import { isJsonObject, Json, Violations } from './rule-kit';
import type { Segment } from './violations';

/**
 * Meta's documented rules for the `<type>` object of a send (lengths, counts, required
 * combinations), stricter than Meta's OpenAPI schema where Meta's docs are: Meta enforces them
 * synchronously (131008/131009) or fails the message later. One table for the gateway (which
 * refuses before accepting) and the sandbox (which answers like Meta), so a body one accepts
 * and the other refuses cannot exist (ADR 0183).
 */

/** The message types the send endpoint takes (Meta's `type`). */
export const SEND_MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'template', 'interactive', 'location', 'contacts', 'reaction'] as const;
export type SendMessageType = (typeof SEND_MESSAGE_TYPES)[number];

export const MEDIA_MESSAGE_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaMessageType = (typeof MEDIA_MESSAGE_TYPES)[number];

/** Interactive message kinds Meta documents (`voice_call`: the call button, 2025). */
export const INTERACTIVE_TYPES = [
  'button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'catalog_message', 'location_request_message',
  'call_permission_request', 'address_message', 'voice_call', 'order_details', 'order_status',
] as const;

export const TEMPLATE_COMPONENT_TYPES = ['header', 'body', 'footer', 'button', 'carousel', 'limited_time_offer', 'order_status'] as const;
export const TEMPLATE_BUTTON_SUB_TYPES = ['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'mpm', 'voice_call', 'order_details'] as const;

/** Meta's limits, by name (characters unless said otherwise). */
export const SEND_LIMITS = {
  textBody: 4096,
  caption: 1024,
  filename: 240,
  mediaId: 256,
  url: 2000,
  contactsPerMessage: 257,
  reactionMessageId: 512,
  reactionEmoji: 16,
  templateName: 512,
  templateComponents: 20,
  templateParameters: 100,
  templateHeaderText: 60,
  templateBodyText: 32768,
  buttonPayload: 128,
  interactiveBody: 1024,
  interactiveHeaderText: 60,
  interactiveFooter: 60,
  replyButtons: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  listButton: 20,
  listSections: 10,
  listRows: 10,
  listSectionTitle: 24,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  ctaDisplayText: 20,
  flowCta: 30,
  flowToken: 1000,
} as const;

const L = SEND_LIMITS;
const CAPTION_TYPES: readonly string[] = ['image', 'video', 'document'];

export const isSendMessageType = (v: unknown): v is SendMessageType => typeof v === 'string' && (SEND_MESSAGE_TYPES as readonly string[]).includes(v);
export const isMediaMessageType = (v: unknown): v is MediaMessageType => typeof v === 'string' && (MEDIA_MESSAGE_TYPES as readonly string[]).includes(v);

function media(p: Violations, type: string, m: Json, at: readonly Segment[]): void {
  p.onlyKeys(m, at, ['id', 'link', 'caption', 'filename', 'provider', 'voice']);
  const id = p.str(m, 'id', at, { max: L.mediaId });
  if (m.link !== undefined) p.httpUrl(m, 'link', at);
  if (id === undefined && m.link === undefined) p.add([...at, 'id'], 'missing', 'needs either id (uploaded media) or link', at);
  if (id !== undefined && m.link !== undefined) p.add([...at, 'link'], 'malformed', 'takes id or link, not both', at);
  if (m.caption !== undefined) {
    if (!CAPTION_TYPES.includes(type)) p.add([...at, 'caption'], 'invalid', `is not allowed for ${type}`);
    else p.str(m, 'caption', at, { max: L.caption });
  }
  if (m.filename !== undefined) {
    if (type !== 'document') p.add([...at, 'filename'], 'invalid', 'is only allowed for documents');
    else p.str(m, 'filename', at, { max: L.filename });
  }
}

function text(p: Violations, t: Json, at: readonly Segment[]): void {
  p.onlyKeys(t, at, ['body', 'preview_url']);
  p.str(t, 'body', at, { required: true, max: L.textBody });
  if (t.preview_url !== undefined && typeof t.preview_url !== 'boolean') p.add([...at, 'preview_url'], 'invalid', 'must be a boolean');
}

function location(p: Violations, l: Json, at: readonly Segment[]): void {
  const coordinate = (key: string, lim: number): void => {
    // Meta takes numbers and numeric strings (its own examples use both).
    const v = typeof l[key] === 'string' && l[key] !== '' ? Number(l[key]) : l[key];
    if (l[key] === undefined || l[key] === null || l[key] === '') p.add([...at, key], 'missing', 'is required');
    else if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > lim) p.add([...at, key], 'invalid', `must be a number between -${lim} and ${lim}`);
  };
  coordinate('latitude', 90);
  coordinate('longitude', 180);
  p.str(l, 'name', at, { max: 1000 });
  p.str(l, 'address', at, { max: 1000 });
}

function contacts(p: Violations, list: unknown, at: readonly Segment[]): void {
  if (!Array.isArray(list)) {
    p.add(at, 'malformed', 'must be an array of contacts');
    return;
  }
  if (list.length < 1) p.add(at, 'invalid', 'must have at least 1 contact');
  if (list.length > L.contactsPerMessage) p.add(at, 'invalid', `must have at most ${L.contactsPerMessage} contacts`);
  list.forEach((c, i) => {
    const cp = [...at, i];
    if (!isJsonObject(c)) return p.add(cp, 'malformed', 'must be an object');
    const name = p.obj(c, 'name', cp, true);
    if (name) p.str(name, 'formatted_name', [...cp, 'name'], { required: true, max: 1000 });
    for (const key of ['phones', 'emails', 'urls', 'addresses']) p.arr(c, key, cp, { max: 20 });
  });
}

function reaction(p: Violations, r: Json, at: readonly Segment[]): void {
  p.onlyKeys(r, at, ['message_id', 'emoji']);
  p.str(r, 'message_id', at, { required: true, max: L.reactionMessageId });
  // An empty emoji removes a reaction.
  const emoji = p.str(r, 'emoji', at, { required: true, allowEmpty: true, max: L.reactionEmoji });
  if (emoji !== undefined && emoji.length > 0 && [...new Intl.Segmenter().segment(emoji)].length !== 1) {
    p.add([...at, 'emoji'], 'invalid', 'must be a single emoji (or empty to remove)');
  }
}

function template(p: Violations, t: Json, at: readonly Segment[]): void {
  p.onlyKeys(t, at, ['name', 'language', 'components', 'namespace']);
  const name = p.str(t, 'name', at, { required: true, max: L.templateName });
  if (name !== undefined && !/^[a-z0-9_]+$/.test(name)) p.add([...at, 'name'], 'invalid', 'may hold only lowercase letters, digits and underscores');
  const lang = p.obj(t, 'language', at, true);
  if (lang) {
    const lp = [...at, 'language'];
    const code = p.str(lang, 'code', lp, { required: true, max: 15 });
    if (code !== undefined && !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(code)) p.add([...lp, 'code'], 'invalid', 'must be a language code such as en or en_US');
    if (lang.policy !== undefined) p.oneOf(lang, 'policy', lp, ['deterministic']);
  }
  const comps = p.arr(t, 'components', at, { max: L.templateComponents });
  comps?.forEach((c, i) => {
    const cp = [...at, 'components', i];
    if (!isJsonObject(c)) return p.add(cp, 'malformed', 'must be an object');
    const type = p.str(c, 'type', cp, { required: true });
    const kind = type?.toLowerCase();
    if (kind !== undefined && !(TEMPLATE_COMPONENT_TYPES as readonly string[]).includes(kind)) p.add([...cp, 'type'], 'invalid', `must be one of ${TEMPLATE_COMPONENT_TYPES.join(', ')}`);
    if (kind === 'button') {
      const sub = p.str(c, 'sub_type', cp, { required: true });
      if (sub !== undefined && !(TEMPLATE_BUTTON_SUB_TYPES as readonly string[]).includes(sub.toLowerCase())) p.add([...cp, 'sub_type'], 'invalid', `must be one of ${TEMPLATE_BUTTON_SUB_TYPES.join(', ')}`);
      const idx = c.index;
      const n = typeof idx === 'string' ? Number(idx) : idx;
      if (idx === undefined) p.add([...cp, 'index'], 'missing', 'is required for buttons');
      else if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 9) p.add([...cp, 'index'], 'invalid', 'must be an integer 0-9');
    }
    const params = p.arr(c, 'parameters', cp, { max: L.templateParameters });
    params?.forEach((pr, j) => {
      const pp = [...cp, 'parameters', j];
      if (!isJsonObject(pr)) return p.add(pp, 'malformed', 'must be an object');
      const ptype = p.str(pr, 'type', pp, { required: true });
      // Button parameters carry Meta-defined payloads (booleans in Meta's own examples).
      if (ptype === 'text' && kind !== 'button') p.str(pr, 'text', pp, { required: true, max: kind === 'header' ? L.templateHeaderText : L.templateBodyText });
      if (ptype !== undefined && CAPTION_TYPES.includes(ptype)) {
        const m = p.obj(pr, ptype, pp, true);
        if (m) media(p, ptype, m, [...pp, ptype]);
      }
      if (ptype === 'payload') p.str(pr, 'payload', pp, { required: true, max: L.buttonPayload });
    });
  });
}

function replyButtons(p: Violations, action: Json, ap: readonly Segment[]): void {
  const buttons = p.arr(action, 'buttons', ap, { required: true, min: 1, max: L.replyButtons });
  const ids = new Set<string>();
  const titles = new Set<string>();
  buttons?.forEach((b, i) => {
    const bp = [...ap, 'buttons', i];
    if (!isJsonObject(b)) return p.add(bp, 'malformed', 'must be an object');
    p.oneOf(b, 'type', bp, ['reply'], true);
    const reply = p.obj(b, 'reply', bp, true);
    if (!reply) return;
    const rp = [...bp, 'reply'];
    const id = p.str(reply, 'id', rp, { required: true, max: L.replyButtonId });
    const title = p.str(reply, 'title', rp, { required: true, max: L.replyButtonTitle });
    if (id !== undefined) {
      if (ids.has(id)) p.add([...rp, 'id'], 'invalid', 'must be unique among the buttons');
      ids.add(id);
    }
    if (title !== undefined) {
      if (titles.has(title)) p.add([...rp, 'title'], 'invalid', 'must be unique among the buttons');
      titles.add(title);
    }
  });
}

function listSections(p: Violations, action: Json, ap: readonly Segment[]): void {
  p.str(action, 'button', ap, { required: true, max: L.listButton });
  const sections = p.arr(action, 'sections', ap, { required: true, min: 1, max: L.listSections });
  let rows = 0;
  const ids = new Set<string>();
  sections?.forEach((s, i) => {
    const sp = [...ap, 'sections', i];
    if (!isJsonObject(s)) return p.add(sp, 'malformed', 'must be an object');
    p.str(s, 'title', sp, { required: (sections?.length ?? 0) > 1, max: L.listSectionTitle });
    const list = p.arr(s, 'rows', sp, { required: true, min: 1, max: L.listRows });
    list?.forEach((r, j) => {
      rows++;
      const rp = [...sp, 'rows', j];
      if (!isJsonObject(r)) return p.add(rp, 'malformed', 'must be an object');
      const id = p.str(r, 'id', rp, { required: true, max: L.listRowId });
      p.str(r, 'title', rp, { required: true, max: L.listRowTitle });
      p.str(r, 'description', rp, { max: L.listRowDescription });
      if (id !== undefined) {
        if (ids.has(id)) p.add([...rp, 'id'], 'invalid', 'must be unique across the list');
        ids.add(id);
      }
    });
  });
  if (rows > L.listRows) p.add([...ap, 'sections'], 'invalid', `may hold at most ${L.listRows} rows in total (got ${rows})`);
}

function interactive(p: Violations, it: Json, at: readonly Segment[]): void {
  p.onlyKeys(it, at, ['type', 'header', 'body', 'footer', 'action']);
  const type = p.oneOf(it, 'type', at, INTERACTIVE_TYPES, true);
  if (type === undefined) return;
  const body = p.obj(it, 'body', at, type !== 'product');
  if (body) p.str(body, 'text', [...at, 'body'], { required: true, max: L.interactiveBody });
  const footer = p.obj(it, 'footer', at);
  if (footer) p.str(footer, 'text', [...at, 'footer'], { required: true, max: L.interactiveFooter });
  const header = p.obj(it, 'header', at);
  if (header) {
    const hp = [...at, 'header'];
    const ht = p.oneOf(header, 'type', hp, ['text', 'image', 'video', 'document'], true);
    if (ht === 'text') p.str(header, 'text', hp, { required: true, max: L.interactiveHeaderText });
    else if (ht !== undefined) {
      const m = p.obj(header, ht, hp, true);
      if (m) media(p, ht, m, [...hp, ht]);
    }
  }
  const action = p.obj(it, 'action', at, true);
  if (!action) return;
  const ap = [...at, 'action'];
  switch (type) {
    case 'button':
      return replyButtons(p, action, ap);
    case 'list':
      return listSections(p, action, ap);
    case 'cta_url': {
      p.oneOf(action, 'name', ap, ['cta_url'], true);
      const params = p.obj(action, 'parameters', ap, true);
      if (params) {
        p.str(params, 'display_text', [...ap, 'parameters'], { required: true, max: L.ctaDisplayText });
        p.httpUrl(params, 'url', [...ap, 'parameters'], true);
      }
      return;
    }
    case 'flow': {
      p.oneOf(action, 'name', ap, ['flow'], true);
      const params = p.obj(action, 'parameters', ap, true);
      if (!params) return;
      const pp = [...ap, 'parameters'];
      p.oneOf(params, 'flow_message_version', pp, ['3'], true);
      p.str(params, 'flow_cta', pp, { required: true, max: L.flowCta });
      if (params.flow_id === undefined && params.flow_name === undefined) p.add([...pp, 'flow_id'], 'missing', 'needs flow_id or flow_name', pp);
      p.str(params, 'flow_id', pp);
      p.str(params, 'flow_name', pp);
      p.str(params, 'flow_token', pp, { max: L.flowToken });
      if (params.flow_action !== undefined) p.oneOf(params, 'flow_action', pp, ['navigate', 'data_exchange']);
      return;
    }
    case 'product':
      p.str(action, 'catalog_id', ap, { required: true });
      p.str(action, 'product_retailer_id', ap, { required: true });
      return;
    case 'product_list':
      p.str(action, 'catalog_id', ap, { required: true });
      p.arr(action, 'sections', ap, { required: true, min: 1, max: L.listSections });
      return;
    case 'catalog_message':
      p.oneOf(action, 'name', ap, ['catalog_message'], true);
      return;
    default:
      return;
  }
}

/** Violations of one message object of `type` (`value` is the body's `<type>` field). */
export function checkMessageObject(type: SendMessageType, value: unknown, at: readonly Segment[] = [type]): Violations['list'] {
  const p = new Violations();
  if (type === 'contacts') {
    contacts(p, value, at);
    return p.list;
  }
  if (value === undefined || value === null) {
    p.add(at, 'missing', `is required when type is ${type}`);
    return p.list;
  }
  if (!isJsonObject(value)) {
    p.add(at, 'malformed', 'must be an object');
    return p.list;
  }
  if (isMediaMessageType(type)) media(p, type, value, at);
  else if (type === 'text') text(p, value, at);
  else if (type === 'location') location(p, value, at);
  else if (type === 'reaction') reaction(p, value, at);
  else if (type === 'template') template(p, value, at);
  else if (type === 'interactive') interactive(p, value, at);
  return p.list;
}
