import { INVALID_OFFICIAL_SEND_EXAMPLES } from '../openapi/send-request';
import { specRequestExamples } from '../openapi/spec-validator';
import { isJsonObject, Json } from './rule-kit';

/**
 * Meta's official send examples as test corpora: placeholders (`<http(s)://audio-url>`,
 * `<TEMPLATE_NAME>`, `<WHATSAPP_USER_PHONE_NUMBER>`) filled with real-looking values, the ones
 * Meta would reject too left out, and mutations of each that break one rule. Every adapter of
 * the send-rule table (gateway routes, sandbox Graph route) is tested on the same corpus.
 */

export interface SendCase {
  readonly name: string;
  readonly body: Json;
}

/** A copy of an example with its placeholders filled. */
export function fillExamplePlaceholders(value: unknown, to = '+14155550123'): Json {
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (isJsonObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    if (typeof v !== 'string') return v;
    if (key === 'to') return to;
    if (key === 'link' && !/^https?:\/\/[a-z0-9.-]+(\/|$)/i.test(v)) return 'https://example.com/media.bin';
    return v;
  };
  const body = walk(value) as Json;
  const template = body.template;
  if (isJsonObject(template)) {
    if (typeof template.name !== 'string' || !/^[a-z0-9_]+$/.test(template.name)) template.name = 'sample_template';
    const language = template.language;
    if (isJsonObject(language) && (typeof language.code !== 'string' || !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(language.code))) language.code = 'en_US';
  }
  return body;
}

/** Every official send example Meta would accept (read receipts aside), placeholders filled. */
export function officialSendExamples(to?: string): SendCase[] {
  return specRequestExamples('/{Version}/{Phone-Number-ID}/messages', 'post')
    .filter((e) => !(e.name in INVALID_OFFICIAL_SEND_EXAMPLES) && isJsonObject(e.value) && e.value.status === undefined)
    .map((e) => ({ name: e.name, body: fillExamplePlaceholders(e.value, to) }));
}

/** String leaves of a value with their paths (for mutations). */
function stringLeaves(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof v === 'string') return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, [...at, i]));
  if (isJsonObject(v)) return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, [...at, k]));
  return [];
}

function setAt(root: Json, path: (string | number)[], value: unknown): void {
  let node: unknown = root;
  for (const seg of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[seg];
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete (node as Json)[last as string];
  } else (node as Record<string | number, unknown>)[last] = value;
}

/**
 * The official examples plus, for each, bodies that break it one way: no product, an impossible
 * `to`, an unknown field, the `<type>` object replaced by a string, each field of the `<type>`
 * object removed, and each of its strings made empty or 5,000 characters long. Some mutations
 * stay valid (an optional field removed): the adapters must still agree with the table on them.
 */
export function sendRuleCorpus(to?: string): SendCase[] {
  const out: SendCase[] = [];
  for (const { name, body } of officialSendExamples(to)) {
    out.push({ name, body });
    const type = typeof body.type === 'string' ? body.type : 'text';
    const mutate = (label: string, edit: (b: Json) => void): void => {
      const copy = structuredClone(body);
      edit(copy);
      out.push({ name: `${name} / ${label}`, body: copy });
    };
    mutate('no messaging_product', (b) => delete b.messaging_product);
    mutate('impossible to', (b) => (b.to = '+1 000'));
    mutate('unknown field', (b) => (b.colour = 'blue'));
    mutate(`${type} as a string`, (b) => (b[type] = 'x'));
    const content = body[type];
    if (isJsonObject(content)) for (const key of Object.keys(content)) mutate(`without ${type}.${key}`, (b) => setAt(b, [type, key], undefined));
    for (const leaf of stringLeaves(content, [type])) {
      mutate(`${leaf.join('.')} empty`, (b) => setAt(b, leaf, ''));
      mutate(`${leaf.join('.')} too long`, (b) => setAt(b, leaf, 'x'.repeat(5000)));
    }
  }
  return out;
}
