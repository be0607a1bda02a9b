import { isRecord, type MetaSpecDocument } from './meta-spec';
import { repairedMetaSpec } from './spec-repairs';
import { SpecValidatorSet, type SchemaValidationResult } from './spec-validator';

/**
 * Validation of a Cloud API send body (`POST /{Version}/{Phone-Number-ID}/messages`), as the
 * gateway's Cloud-API-compatible route and the sandbox need it: reject what Meta would reject,
 * accept what Meta accepts.
 *
 * The spec declares the request body as `Message` (a `type`-discriminated oneOf of
 * TextMessage, ImageMessage, …). Checked against it, 27 of the operation's 50 official examples
 * fail. Besides the allOf bug fixed for everyone in spec-repairs.ts, the causes are below; each
 * is fixed by an override on a private copy of the spec used only here, so specSchemaValidator
 * keeps reporting Meta's schema as written.
 */

interface SendOverride {
  /** JSON pointer of the schema node the override edits. */
  readonly at: string;
  readonly why: string;
  readonly patch: (node: Record<string, unknown>) => void;
}

const S = '#/components/schemas';

export const SEND_REQUEST_OVERRIDES: readonly SendOverride[] = [
  {
    at: `${S}/BaseMessageProperties`,
    why:
      'recipient_type (default "individual") and type (default "text") are optional in Meta\'s ' +
      'docs, and 6 official examples omit one of them; the schema marks both required.',
    patch(node) {
      node.required = ['messaging_product'];
    },
  },
  {
    at: `${S}/BaseMessageProperties`,
    why:
      'From July 2026 a user known only by a business-scoped user id is addressed with ' +
      '`recipient` instead of `to` (DESIGN.md §4); the v23 spec predates it. One of them is needed.',
    patch(node) {
      properties(node).recipient = { type: 'string', description: 'Business-scoped user id (BSUID).' };
      node.anyOf = [{ required: ['to'] }, { required: ['recipient'] }];
    },
  },
  {
    at: `${S}/BaseMessageProperties`,
    why:
      'biz_opaque_callback_data is accepted on every message and echoed in its status webhooks; ' +
      'the spec declares it only for calls. The dispatcher puts our message id there (DESIGN.md §5).',
    patch(node) {
      properties(node).biz_opaque_callback_data = { type: 'string', maxLength: 512 };
    },
  },
  {
    at: `${S}/LanguageObject`,
    why: 'policy has one value, "deterministic", and is optional in Meta\'s docs; 6 examples omit it.',
    patch(node) {
      node.required = ['code'];
    },
  },
  {
    at: `${S}/TemplateComponent/properties/index`,
    why:
      'The docs say "position index of the button (0-9)"; the schema says string with pattern ' +
      '`^[2-6, 11-14]$` (a character class, so "0" fails), and 4 examples send integers.',
    patch(node) {
      replace(node, {
        anyOf: [
          { type: 'integer', minimum: 0, maximum: 9 },
          { type: 'string', pattern: '^[0-9]$' },
        ],
      });
    },
  },
  {
    at: `${S}/TemplateComponent/properties/sub_type`,
    why:
      'The enum lists quick_reply, url, catalog in lower case; examples send "CATALOG" and "flow", ' +
      'which Meta accepts (sub_type is case-insensitive; flow, copy_code, mpm, voice_call exist).',
    patch(node) {
      const values = ['quick_reply', 'url', 'catalog', 'flow', 'copy_code', 'mpm', 'voice_call'];
      node.enum = [...values, ...values.map((v) => v.toUpperCase())];
    },
  },
  {
    at: `${S}/LocationMessage/allOf/1/properties/location/properties/latitude`,
    why: 'Typed string, but documented (and given in both location examples) as a number.',
    patch: (node) => replace(node, decimalDegrees()),
  },
  {
    at: `${S}/LocationMessage/allOf/1/properties/location/properties/longitude`,
    why: 'Typed string, but documented (and given in both location examples) as a number.',
    patch: (node) => replace(node, decimalDegrees()),
  },
  {
    at: `${S}/MediaObject/oneOf/1/properties/link`,
    why:
      'format "url" rejects the examples\' placeholders ("http(s)://image-url"). Meta fetches the ' +
      'link only after accepting the message and reports a bad one as a failed status (131053), ' +
      'so a strict format check here would reject bodies Meta itself accepts.',
    patch(node) {
      delete node.format;
      node.minLength = 1;
    },
  },
  {
    at: `${S}/InteractiveObject/properties/type`,
    why: 'Lacks order_details and order_status (payments messages; "Send Order Details/Status" examples).',
    patch(node) {
      node.enum = [...stringList(node.enum), 'order_details', 'order_status'];
    },
  },
  {
    at: `${S}/ActionObject`,
    why:
      'No action variant for the payments messages (name review_and_pay / review_order with a ' +
      'parameters object). Their parameters are checked no deeper than "an object" here.',
    patch(node) {
      const variants = Array.isArray(node.oneOf) ? node.oneOf : [];
      node.oneOf = [
        ...variants,
        {
          required: ['name', 'parameters'],
          properties: { name: { enum: ['review_and_pay', 'review_order'] }, parameters: { type: 'object' } },
        },
      ];
    },
  },
];

/**
 * Official examples that stay invalid on purpose: Meta would reject them too, so accepting them
 * would make the gateway pass bodies that fail at Meta. Test corpora should skip these.
 */
export const INVALID_OFFICIAL_SEND_EXAMPLES: Readonly<Record<string, string>> = {
  'Send Multi-Product Message':
    'interactive.header.type is the placeholder "<HEADER_TYPE>" where an enum value belongs ' +
    '(a product_list header must be "text").',
  'Send Reply to List Message':
    'has no `type`, so Meta reads it as a text message (the default) without `text`, and ' +
    '`interactive` is not a property of a text message.',
};

/**
 * The body of a read receipt / typing indicator (`{messaging_product, status: "read",
 * message_id, typing_indicator?}`) goes to the same endpoint; the spec has it as the
 * unreferenced MarkMessageRequestPayload. We route on `status`, which no message body has.
 */
const MARK_READ_SCHEMA = 'MarkMessageRequestPayload';
const SEND_SCHEMA = 'Message';

let state: { validators: SpecValidatorSet; byType: Map<string, string> } | undefined;

function sendState(): NonNullable<typeof state> {
  if (!state) {
    const doc = withSendOverrides(repairedMetaSpec());
    state = { validators: new SpecValidatorSet(doc), byType: messageTypes(doc) };
  }
  return state;
}

/**
 * Validates a send body the way Meta's discriminator means it: the `type` (default `text`)
 * picks the one schema to check, so errors name that type's fields instead of eleven
 * oneOf branches' worth of noise.
 */
export function validateSendRequest(body: unknown): SchemaValidationResult {
  if (!isRecord(body)) return { valid: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  const { validators, byType } = sendState();
  if ('status' in body && !('to' in body) && !('recipient' in body)) {
    return validators.schema(MARK_READ_SCHEMA)(body);
  }
  const type = body.type ?? 'text';
  const schema = typeof type === 'string' ? byType.get(type) : undefined;
  if (!schema) {
    return { valid: false, errors: [{ path: '/type', message: `must be one of: ${[...byType.keys()].join(', ')}` }] };
  }
  return validators.schema(schema)(body);
}

/** Message types the send endpoint accepts, from the spec's discriminator. */
export function sendMessageTypes(): string[] {
  return [...sendState().byType.keys()];
}

/** A copy of `doc` with SEND_REQUEST_OVERRIDES applied; throws if an override lost its target. */
export function withSendOverrides(doc: MetaSpecDocument): MetaSpecDocument {
  const copy = structuredClone(doc) as unknown as Record<string, unknown>;
  for (const override of SEND_REQUEST_OVERRIDES) {
    const node = resolvePointer(copy, override.at);
    if (!node) throw new Error(`send override target ${override.at} is missing from the spec`);
    override.patch(node);
  }
  return copy as unknown as MetaSpecDocument;
}

function messageTypes(doc: MetaSpecDocument): Map<string, string> {
  const message = doc.components.schemas[SEND_SCHEMA];
  const mapping = isRecord(message?.discriminator) ? message.discriminator.mapping : undefined;
  const byType = new Map<string, string>();
  if (isRecord(mapping)) {
    for (const [type, ref] of Object.entries(mapping)) {
      if (typeof ref === 'string') byType.set(type, ref.slice(ref.lastIndexOf('/') + 1));
    }
  }
  if (byType.size === 0) throw new Error(`Meta spec: ${SEND_SCHEMA} has no discriminator mapping`);
  return byType;
}

function resolvePointer(root: Record<string, unknown>, pointer: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const segment of pointer.replace(/^#\//, '').split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

function properties(node: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(node.properties)) node.properties = {};
  return node.properties as Record<string, unknown>;
}

/** Swap a node's content in place, keeping its description for the reader of the schema. */
function replace(node: Record<string, unknown>, content: Record<string, unknown>): void {
  const description = node.description;
  for (const key of Object.keys(node)) delete node[key];
  Object.assign(node, content, description === undefined ? {} : { description });
}

function decimalDegrees(): Record<string, unknown> {
  return { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' }] };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
