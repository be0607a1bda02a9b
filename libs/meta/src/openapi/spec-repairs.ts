import { isRecord, loadMetaSpec, type MetaSpecDocument } from './meta-spec';

/**
 * Structural repairs of Meta's v23.0 spec: places where the document, read literally, says
 * something Meta plainly did not mean. Both the generated types and every ajv validator are
 * built from the repaired document, so the two never disagree.
 *
 * These are bugs in how the file was assembled, not disagreements about the API. Anything that
 * is a judgement about Meta's behaviour (an optional field the schema marks required, a 2026
 * field the spec lacks) is a local override next to the code that needs it
 * (send-request.ts, webhook-envelope.ts), never here.
 */
export interface SpecRepair {
  readonly id: string;
  readonly why: string;
  /** Mutates `doc` (a private deep copy) and returns the JSON pointers it changed. */
  readonly apply: (doc: MutableDoc) => string[];
}

type MutableDoc = { components: { schemas: Record<string, unknown> } } & Record<string, unknown>;

const SCHEMAS = '#/components/schemas/';

/**
 * The spec was bundled from per-product files, and schema names that collided were renamed
 * with a `_N` suffix (TextMessage_2, BaseMessageProperties_1, …), but the `$ref`s inside the
 * webhook section were not updated. Read literally, an inbound webhook `text` message is the
 * *send* request's TextMessage (with `to` and `recipient_type` required, no `from`), so every
 * real webhook would fail. The renamed inbound schemas sit unreferenced next to them.
 * This maps each stale name to the inbound schema it was meant to reach.
 */
export const WEBHOOK_REF_RELINKS: Readonly<Record<string, string>> = {
  BaseMessageProperties: 'BaseMessageProperties_1',
  TextMessage: 'TextMessage_2',
  ReactionMessage: 'ReactionMessage_1',
  AudioMessage: 'AudioMessage_1',
  DocumentMessage: 'DocumentMessage_1',
  ImageMessage: 'ImageMessage_1',
  StickerMessage: 'StickerMessage_1',
  VideoMessage: 'VideoMessage_1',
  LocationMessage: 'LocationMessage_1',
  ContactObject: 'ContactObject_1',
  ErrorObject: 'ErrorObject_2',
};

/** The webhook schemas are the tail of components.schemas, starting here (document order). */
export const WEBHOOK_SECTION_START = 'WebhookPayload';

/** Names of the schemas that make up the webhook section of the (unrepaired) document. */
export function webhookSectionSchemaNames(doc: MetaSpecDocument = loadMetaSpec()): string[] {
  const names = Object.keys(doc.components.schemas);
  const start = names.indexOf(WEBHOOK_SECTION_START);
  return start < 0 ? [] : names.slice(start);
}

const relinkWebhookRefs: SpecRepair = {
  id: 'relink-webhook-refs',
  why:
    'Webhook schemas point at same-named send-request schemas; relink them to the `_N` inbound ' +
    'schemas the bundler renamed (see WEBHOOK_REF_RELINKS).',
  apply(doc) {
    const changed: string[] = [];
    const section = webhookSectionSchemaNames(doc as unknown as MetaSpecDocument);
    for (const target of Object.values(WEBHOOK_REF_RELINKS)) {
      if (!section.includes(target)) throw new Error(`spec repair: ${target} is not in the webhook section`);
    }
    const relink = (ref: string): string | undefined => {
      if (!ref.startsWith(SCHEMAS)) return undefined;
      const target = WEBHOOK_REF_RELINKS[ref.slice(SCHEMAS.length)];
      return target === undefined ? undefined : SCHEMAS + target;
    };
    for (const name of section) {
      walk(doc.components.schemas[name], `${SCHEMAS}${name}`, (node, pointer) => {
        const ref = node.$ref;
        const fixed = typeof ref === 'string' ? relink(ref) : undefined;
        if (fixed) {
          node.$ref = fixed;
          changed.push(pointer);
        }
        // The discriminator mapping names schemas by reference too (IncomingMessage's does).
        const mapping = isRecord(node.discriminator) ? node.discriminator.mapping : undefined;
        if (isRecord(mapping)) {
          for (const [key, value] of Object.entries(mapping)) {
            const fixedValue = typeof value === 'string' ? relink(value) : undefined;
            if (fixedValue) {
              mapping[key] = fixedValue;
              changed.push(`${pointer}/discriminator/mapping/${key}`);
            }
          }
        }
      });
    }
    return changed;
  },
};

/**
 * Each send message schema is `allOf: [BaseMessageProperties, {additionalProperties: false,
 * properties: {type, <payload>}}]`. In JSON Schema, `additionalProperties` only sees its own
 * member's `properties`, so `messaging_product`, `to`, … are "additional" and *no* message can
 * ever validate. The intent (no undeclared properties across the composition) is exactly what
 * OpenAPI 3.1's dialect spells `unevaluatedProperties: false` on the composing schema.
 */
const closeCompositionsWithUnevaluated: SpecRepair = {
  id: 'allof-additional-properties',
  why:
    'allOf members with additionalProperties:false reject their siblings\' properties; move the ' +
    'restriction to unevaluatedProperties:false on the composing schema.',
  apply(doc) {
    const changed: string[] = [];
    walk(doc.components.schemas, '#/components/schemas', (node, pointer) => {
      if (!Array.isArray(node.allOf)) return;
      node.allOf.forEach((member: unknown, index) => {
        if (isRecord(member) && member.additionalProperties === false) {
          delete member.additionalProperties;
          node.unevaluatedProperties = false;
          changed.push(`${pointer}/allOf/${index}`);
        }
      });
    });
    return changed;
  },
};

export const SPEC_REPAIRS: readonly SpecRepair[] = [relinkWebhookRefs, closeCompositionsWithUnevaluated];

/** A new, mutable, repaired deep copy of `doc`, with what each repair touched. */
export function repairMetaSpec(doc: MetaSpecDocument = loadMetaSpec()): {
  doc: MetaSpecDocument;
  changes: { repair: string; pointers: string[] }[];
} {
  const copy = structuredClone(doc) as unknown as MutableDoc;
  const changes = SPEC_REPAIRS.map((repair) => ({ repair: repair.id, pointers: repair.apply(copy) }));
  return { doc: copy as unknown as MetaSpecDocument, changes };
}

let repaired: MetaSpecDocument | undefined;

/** The repaired spec, built once per process. Treat as read-only: validators compile from it. */
export function repairedMetaSpec(): MetaSpecDocument {
  if (!repaired) repaired = repairMetaSpec().doc;
  return repaired;
}

/** Depth-first visit of every object node under `node`, with its JSON pointer. */
export function walk(
  node: unknown,
  pointer: string,
  visit: (node: Record<string, unknown>, pointer: string) => void,
): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${pointer}/${i}`, visit));
  } else if (isRecord(node)) {
    visit(node, pointer);
    for (const [key, child] of Object.entries(node)) {
      walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, visit);
    }
  }
}
