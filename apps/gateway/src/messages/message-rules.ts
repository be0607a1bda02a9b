import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { OUTBOUND_MESSAGE_TYPES, OutboundMessageType } from '@wabridge/contracts';

/**
 * Our rules for Meta's message objects (the `<type>` part of a send), stricter than Meta's
 * OpenAPI schema: lengths, counts and required combinations Meta documents but only enforces
 * after the request (as error 100/131009). Pure functions; every problem names its field path.
 */
export interface FieldProblem {
  field: string;
  problems: string[];
}

type Obj = Record<string, unknown>;

class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, problem: string): void {
    this.list.push({ field, problems: [problem] });
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function str(p: Problems, o: Obj, key: string, path: string, opts: { required?: boolean; min?: number; max?: number; allowEmpty?: boolean } = {}): string | undefined {
  const v = o[key];
  const field = `${path}.${key}`;
  if (v === undefined || v === null) {
    if (opts.required) p.add(field, `${field} is required`);
    return undefined;
  }
  if (!isStr(v)) {
    p.add(field, `${field} must be a string`);
    return undefined;
  }
  const min = opts.allowEmpty ? 0 : (opts.min ?? 1);
  if (v.length < min) p.add(field, `${field} must not be empty`);
  if (opts.max !== undefined && v.length > opts.max) p.add(field, `${field} must be at most ${opts.max} characters (got ${v.length})`);
  return v;
}

function obj(p: Problems, o: Obj, key: string, path: string, required = false): Obj | undefined {
  const v = o[key];
  const field = `${path}.${key}`;
  if (v === undefined || v === null) {
    if (required) p.add(field, `${field} is required`);
    return undefined;
  }
  if (!isObj(v)) {
    p.add(field, `${field} must be an object`);
    return undefined;
  }
  return v;
}

function arr(p: Problems, o: Obj, key: string, path: string, opts: { required?: boolean; min?: number; max?: number } = {}): unknown[] | undefined {
  const v = o[key];
  const field = `${path}.${key}`;
  if (v === undefined || v === null) {
    if (opts.required) p.add(field, `${field} is required`);
    return undefined;
  }
  if (!Array.isArray(v)) {
    p.add(field, `${field} must be an array`);
    return undefined;
  }
  if (opts.min !== undefined && v.length < opts.min) p.add(field, `${field} must have at least ${opts.min} item(s)`);
  if (opts.max !== undefined && v.length > opts.max) p.add(field, `${field} must have at most ${opts.max} items (got ${v.length})`);
  return v;
}

function httpUrl(p: Problems, o: Obj, key: string, path: string, required = false): void {
  const v = str(p, o, key, path, { required, max: 2000 });
  if (v === undefined) return;
  let ok: boolean;
  try {
    const u = new URL(v);
    ok = u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    ok = false;
  }
  if (!ok) p.add(`${path}.${key}`, `${path}.${key} must be an http(s) URL`);
}

function oneOf(p: Problems, o: Obj, path: string, allowed: string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) p.add(`${path}.${k}`, `${path}.${k} is not a field of this object`);
  }
}

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
const CAPTION_TYPES = ['image', 'video', 'document'];

function media(p: Problems, type: string, m: Obj, path: string): void {
  const allowed = ['id', 'link', 'caption', 'filename', 'provider', 'voice'];
  oneOf(p, m, path, allowed);
  const id = str(p, m, 'id', path, { max: 256 });
  if (m.link !== undefined) httpUrl(p, m, 'link', path);
  if (id === undefined && m.link === undefined) p.add(`${path}.id`, `${path} needs either id (uploaded media) or link`);
  if (id !== undefined && m.link !== undefined) p.add(`${path}.link`, `${path} takes id or link, not both`);
  if (m.caption !== undefined) {
    if (!CAPTION_TYPES.includes(type)) p.add(`${path}.caption`, `${path}.caption is not allowed for ${type}`);
    else str(p, m, 'caption', path, { max: 1024 });
  }
  if (m.filename !== undefined) {
    if (type !== 'document') p.add(`${path}.filename`, `${path}.filename is only allowed for documents`);
    else str(p, m, 'filename', path, { max: 240 });
  }
}

function text(p: Problems, t: Obj, path: string): void {
  oneOf(p, t, path, ['body', 'preview_url']);
  str(p, t, 'body', path, { required: true, max: 4096 });
  if (t.preview_url !== undefined && typeof t.preview_url !== 'boolean') p.add(`${path}.preview_url`, `${path}.preview_url must be a boolean`);
}

function location(p: Problems, l: Obj, path: string): void {
  const num = (key: string, lim: number): void => {
    const v = typeof l[key] === 'string' ? Number(l[key]) : l[key];
    if (l[key] === undefined) p.add(`${path}.${key}`, `${path}.${key} is required`);
    else if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > lim) p.add(`${path}.${key}`, `${path}.${key} must be a number between -${lim} and ${lim}`);
  };
  num('latitude', 90);
  num('longitude', 180);
  str(p, l, 'name', path, { max: 1000 });
  str(p, l, 'address', path, { max: 1000 });
}

function contacts(p: Problems, list: unknown, path: string): void {
  if (!Array.isArray(list)) {
    p.add(path, `${path} must be an array of contacts`);
    return;
  }
  if (list.length < 1) p.add(path, `${path} must have at least 1 contact`);
  if (list.length > 257) p.add(path, `${path} must have at most 257 contacts`);
  list.forEach((c, i) => {
    const cp = `${path}[${i}]`;
    if (!isObj(c)) return p.add(cp, `${cp} must be an object`);
    const name = obj(p, c, 'name', cp, true);
    if (name) str(p, name, 'formatted_name', `${cp}.name`, { required: true, max: 1000 });
    for (const key of ['phones', 'emails', 'urls', 'addresses']) arr(p, c, key, cp, { max: 20 });
  });
}

function reaction(p: Problems, r: Obj, path: string): void {
  oneOf(p, r, path, ['message_id', 'emoji']);
  str(p, r, 'message_id', path, { required: true, max: 512 });
  // An empty emoji removes a reaction.
  const emoji = str(p, r, 'emoji', path, { required: true, allowEmpty: true, max: 16 });
  if (emoji !== undefined && emoji.length > 0 && [...new Intl.Segmenter().segment(emoji)].length !== 1) {
    p.add(`${path}.emoji`, `${path}.emoji must be a single emoji (or empty to remove)`);
  }
}

const TEMPLATE_COMPONENT_TYPES = ['header', 'body', 'footer', 'button', 'carousel', 'limited_time_offer', 'order_status'];
const BUTTON_SUB_TYPES = ['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'mpm', 'voice_call', 'order_details'];

function template(p: Problems, t: Obj, path: string): void {
  oneOf(p, t, path, ['name', 'language', 'components', 'namespace']);
  const name = str(p, t, 'name', path, { required: true, max: 512 });
  if (name !== undefined && !/^[a-z0-9_]+$/.test(name)) p.add(`${path}.name`, `${path}.name may hold only lowercase letters, digits and underscores`);
  const lang = obj(p, t, 'language', path, true);
  if (lang) {
    const code = str(p, lang, 'code', `${path}.language`, { required: true, max: 15 });
    if (code !== undefined && !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(code)) p.add(`${path}.language.code`, `${path}.language.code must be a language code such as en or en_US`);
    if (lang.policy !== undefined && lang.policy !== 'deterministic') p.add(`${path}.language.policy`, `${path}.language.policy must be "deterministic"`);
  }
  const comps = arr(p, t, 'components', path, { max: 20 });
  comps?.forEach((c, i) => {
    const cp = `${path}.components[${i}]`;
    if (!isObj(c)) return p.add(cp, `${cp} must be an object`);
    const type = str(p, c, 'type', cp, { required: true });
    if (type !== undefined && !TEMPLATE_COMPONENT_TYPES.includes(type)) p.add(`${cp}.type`, `${cp}.type must be one of ${TEMPLATE_COMPONENT_TYPES.join(', ')}`);
    if (type === 'button') {
      const sub = str(p, c, 'sub_type', cp, { required: true });
      if (sub !== undefined && !BUTTON_SUB_TYPES.includes(sub.toLowerCase())) p.add(`${cp}.sub_type`, `${cp}.sub_type must be one of ${BUTTON_SUB_TYPES.join(', ')}`);
      const idx = c.index;
      const n = typeof idx === 'string' ? Number(idx) : idx;
      if (idx === undefined) p.add(`${cp}.index`, `${cp}.index is required for buttons`);
      else if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 9) p.add(`${cp}.index`, `${cp}.index must be an integer 0-9`);
    }
    const params = arr(p, c, 'parameters', cp, { max: 100 });
    params?.forEach((pr, j) => {
      const pp = `${cp}.parameters[${j}]`;
      if (!isObj(pr)) return p.add(pp, `${pp} must be an object`);
      const ptype = str(p, pr, 'type', pp, { required: true });
      // Button parameters carry Meta-defined payloads (booleans in Meta's own examples).
      if (ptype === 'text' && type !== 'button') str(p, pr, 'text', pp, { required: true, max: type === 'header' ? 60 : 32768 });
      if (ptype !== undefined && ['image', 'video', 'document'].includes(ptype)) {
        const m = obj(p, pr, ptype, pp, true);
        if (m) media(p, ptype, m, `${pp}.${ptype}`);
      }
      if (ptype === 'payload') str(p, pr, 'payload', pp, { required: true, max: 128 });
    });
  });
}

const INTERACTIVE_TYPES = ['button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'catalog_message', 'location_request_message', 'call_permission_request', 'address_message', 'voice_call', 'order_details', 'order_status'];

function interactive(p: Problems, it: Obj, path: string): void {
  oneOf(p, it, path, ['type', 'header', 'body', 'footer', 'action']);
  const type = str(p, it, 'type', path, { required: true });
  if (type !== undefined && !INTERACTIVE_TYPES.includes(type)) {
    p.add(`${path}.type`, `${path}.type must be one of ${INTERACTIVE_TYPES.join(', ')}`);
    return;
  }
  const bodyOptional = type === 'product';
  const body = obj(p, it, 'body', path, !bodyOptional);
  if (body) str(p, body, 'text', `${path}.body`, { required: true, max: 1024 });
  const footer = obj(p, it, 'footer', path);
  if (footer) str(p, footer, 'text', `${path}.footer`, { required: true, max: 60 });
  const header = obj(p, it, 'header', path);
  if (header) {
    const ht = str(p, header, 'type', `${path}.header`, { required: true });
    if (ht === 'text') str(p, header, 'text', `${path}.header`, { required: true, max: 60 });
    else if (ht !== undefined && ['image', 'video', 'document'].includes(ht)) {
      const m = obj(p, header, ht, `${path}.header`, true);
      if (m) media(p, ht, m, `${path}.header.${ht}`);
    } else if (ht !== undefined) p.add(`${path}.header.type`, `${path}.header.type must be text, image, video or document`);
  }
  const action = obj(p, it, 'action', path, true);
  if (!action) return;
  const ap = `${path}.action`;
  if (type === 'button') {
    const buttons = arr(p, action, 'buttons', ap, { required: true, min: 1, max: 3 });
    const ids = new Set<string>();
    buttons?.forEach((b, i) => {
      const bp = `${ap}.buttons[${i}]`;
      if (!isObj(b)) return p.add(bp, `${bp} must be an object`);
      if (b.type !== 'reply') p.add(`${bp}.type`, `${bp}.type must be "reply"`);
      const reply = obj(p, b, 'reply', bp, true);
      if (!reply) return;
      const id = str(p, reply, 'id', `${bp}.reply`, { required: true, max: 256 });
      str(p, reply, 'title', `${bp}.reply`, { required: true, max: 20 });
      if (id !== undefined) {
        if (ids.has(id)) p.add(`${bp}.reply.id`, `${bp}.reply.id must be unique among the buttons`);
        ids.add(id);
      }
    });
  } else if (type === 'list') {
    str(p, action, 'button', ap, { required: true, max: 20 });
    const sections = arr(p, action, 'sections', ap, { required: true, min: 1, max: 10 });
    let rows = 0;
    const ids = new Set<string>();
    sections?.forEach((s, i) => {
      const sp = `${ap}.sections[${i}]`;
      if (!isObj(s)) return p.add(sp, `${sp} must be an object`);
      str(p, s, 'title', sp, { required: (sections?.length ?? 0) > 1, max: 24 });
      const list = arr(p, s, 'rows', sp, { required: true, min: 1, max: 10 });
      list?.forEach((r, j) => {
        rows++;
        const rp = `${sp}.rows[${j}]`;
        if (!isObj(r)) return p.add(rp, `${rp} must be an object`);
        const id = str(p, r, 'id', rp, { required: true, max: 200 });
        str(p, r, 'title', rp, { required: true, max: 24 });
        str(p, r, 'description', rp, { max: 72 });
        if (id !== undefined) {
          if (ids.has(id)) p.add(`${rp}.id`, `${rp}.id must be unique across the list`);
          ids.add(id);
        }
      });
    });
    if (rows > 10) p.add(`${ap}.sections`, `${ap}.sections may hold at most 10 rows in total (got ${rows})`);
  } else if (type === 'cta_url') {
    if (action.name !== 'cta_url') p.add(`${ap}.name`, `${ap}.name must be "cta_url"`);
    const params = obj(p, action, 'parameters', ap, true);
    if (params) {
      str(p, params, 'display_text', `${ap}.parameters`, { required: true, max: 20 });
      httpUrl(p, params, 'url', `${ap}.parameters`, true);
    }
  } else if (type === 'flow') {
    if (action.name !== 'flow') p.add(`${ap}.name`, `${ap}.name must be "flow"`);
    const params = obj(p, action, 'parameters', ap, true);
    if (params) {
      const pp = `${ap}.parameters`;
      if (params.flow_message_version !== '3') p.add(`${pp}.flow_message_version`, `${pp}.flow_message_version must be "3"`);
      str(p, params, 'flow_cta', pp, { required: true, max: 30 });
      if (params.flow_id === undefined && params.flow_name === undefined) p.add(`${pp}.flow_id`, `${pp} needs flow_id or flow_name`);
      str(p, params, 'flow_id', pp);
      str(p, params, 'flow_name', pp);
      str(p, params, 'flow_token', pp, { max: 1000 });
      if (params.flow_action !== undefined && !['navigate', 'data_exchange'].includes(String(params.flow_action))) {
        p.add(`${pp}.flow_action`, `${pp}.flow_action must be navigate or data_exchange`);
      }
    }
  } else if (type === 'product') {
    str(p, action, 'catalog_id', ap, { required: true });
    str(p, action, 'product_retailer_id', ap, { required: true });
  } else if (type === 'product_list') {
    str(p, action, 'catalog_id', ap, { required: true });
    arr(p, action, 'sections', ap, { required: true, min: 1, max: 10 });
  }
}

/** Problems of one message object of `type` (`obj` is the value under the type's key). */
export function validateMessageObject(type: OutboundMessageType, value: unknown, path: string = type): FieldProblem[] {
  const p = new Problems();
  if (type === 'contacts') {
    contacts(p, value, path);
    return p.list;
  }
  if (!isObj(value)) {
    p.add(path, value === undefined ? `${path} is required when type is ${type}` : `${path} must be an object`);
    return p.list;
  }
  if ((MEDIA_TYPES as readonly string[]).includes(type)) media(p, type, value, path);
  else if (type === 'text') text(p, value, path);
  else if (type === 'location') location(p, value, path);
  else if (type === 'reaction') reaction(p, value, path);
  else if (type === 'template') template(p, value, path);
  else if (type === 'interactive') interactive(p, value, path);
  return p.list;
}

export function isMessageType(v: unknown): v is OutboundMessageType {
  return typeof v === 'string' && (OUTBOUND_MESSAGE_TYPES as readonly string[]).includes(v);
}

/**
 * `to` as Meta's digits (E.164 without '+'), or a problem. Checked the way Meta checks it: a
 * *possible* number — digits once `+`, spaces, dashes, dots and parentheses are stripped, a
 * country calling code that exists, and a length that country's numbers can have. Whether the
 * number is assigned (libphonenumber's `isValid`, whose ranges lag reality) is not ours to
 * decide: Meta's answer (131026 …) does (ADR 0069).
 */
export function normalizeTo(to: unknown, field = 'to'): { to?: string; problem?: FieldProblem } {
  const problem = { field, problems: [`${field} must be a phone number with its country code, e.g. +14155550123`] };
  if (typeof to !== 'string') return { problem };
  const cleaned = to.trim().replace(/[\s().-]/g, '');
  if (!/^\+?\d{7,15}$/.test(cleaned)) return { problem };
  const parsed = parsePhoneNumberFromString(`+${cleaned.replace(/^\+/, '')}`);
  if (!parsed || !parsed.isPossible()) return { problem };
  return { to: parsed.number.slice(1) };
}

/** Business-scoped user id (`CC.<alnum>`, Meta 2026), the `recipient` of a send. */
export const BSUID_PATTERN = /^[A-Z]{2}\.[A-Za-z0-9_-]{1,120}$/;
