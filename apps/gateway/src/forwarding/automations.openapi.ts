import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * `/v1/automations/rules…` is forwarded to the conversations service (ADR 0133) by one catch-all
 * route; these are its routes and shapes, written out. Scope `conversations`.
 */

const TAG = 'automations';
const SECURITY = [{ apiKey: [] }];
const ERROR = { $ref: '#/components/schemas/ConversationError' };
const ERROR_TEXT: Record<number, string> = {
  400: 'invalid body or query: every problem listed in details ({field, problems})', 401: 'missing or invalid API key',
  403: 'the key lacks the `conversations` scope', 404: 'no such rule for this tenant', 409: 'the tenant holds the most rules allowed (limit_reached)',
  502: 'the conversations service is unavailable', 504: 'the conversations service did not answer in time',
};
const errors = (...codes: number[]): Record<string, unknown> =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: ERROR } } }]));
const json = (schema: unknown, description: string): Record<string, unknown> => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The rule id' };
const strings = (max: number, maxLength: number) => ({ type: 'array', minItems: 1, maxItems: max, items: { type: 'string', minLength: 1, maxLength } });
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const TRIGGER = {
  description:
    'What fires the rule. keyword: the whole message (exact) or a word or phrase of it (contains), case, accents and punctuation ignored. ' +
    'regex: a linear-time pattern (no backreferences or lookaheads; at most 200 characters; lower case when caseInsensitive). ' +
    'interactive: a reply button, list row or template quick-reply button by id. welcome: the first message ever from the contact, or request_welcome. ' +
    'away: a message outside the opening hours. opt_out: the whole message is one of the keywords (the contacts service records the opt-out; no reply action). any: every message.',
  oneOf: [
    { type: 'object', required: ['type', 'keywords'], properties: { type: { enum: ['keyword'] }, keywords: strings(50, 100), match: { type: 'string', enum: ['exact', 'contains'], default: 'exact' } } },
    { type: 'object', required: ['type', 'pattern'], properties: { type: { enum: ['regex'] }, pattern: { type: 'string', minLength: 1, maxLength: 200 }, caseInsensitive: { type: 'boolean', default: false } } },
    { type: 'object', required: ['type', 'ids'], properties: { type: { enum: ['interactive'] }, ids: strings(50, 256) } },
    { type: 'object', required: ['type'], properties: { type: { enum: ['welcome', 'any'] } } },
    {
      type: 'object', required: ['type', 'timezone', 'schedule'],
      properties: {
        type: { enum: ['away'] }, timezone: { type: 'string', example: 'Europe/Berlin', description: 'IANA timezone' },
        schedule: {
          type: 'array', maxItems: 14, description: 'Opening hours; empty = always closed',
          items: {
            type: 'object', required: ['days', 'from', 'to'],
            properties: {
              days: { type: 'array', minItems: 1, items: { type: 'string', enum: DAYS } },
              from: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
              to: { type: 'string', pattern: '^([01]\\d|2[0-4]):[0-5]\\d$', description: 'Exclusive; before `from` = over midnight; 24:00 = end of day' },
            },
          },
        },
      },
    },
    { type: 'object', required: ['type', 'keywords'], properties: { type: { enum: ['opt_out'] }, keywords: strings(50, 100) } },
  ],
};

const ACTION = {
  description:
    'reply: a text, template or interactive message (as POST /v1/messages takes it, without number and recipient) sent through the dispatcher; free-form only within the 24 h window the message opened; ' +
    'at most one reply per inbound message, subject to the rule\'s cooldown and the contact\'s reply budget. tag: tags added to the contact (contacts service). ' +
    'forward: the message POSTed as JSON to an http(s) URL (SSRF-guarded, one attempt). assign: the conversation handed to an agent or queue (automations stay quiet while assigned).',
  oneOf: [
    {
      type: 'object', required: ['type', 'message'],
      properties: {
        type: { enum: ['reply'] },
        message: { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ['text', 'template', 'interactive'] }, text: { type: 'object' }, template: { type: 'object' }, interactive: { type: 'object' } } },
      },
    },
    { type: 'object', required: ['type', 'tags'], properties: { type: { enum: ['tag'] }, tags: strings(10, 64) } },
    { type: 'object', required: ['type', 'url'], properties: { type: { enum: ['forward'] }, url: { type: 'string', format: 'uri', maxLength: 2048 } } },
    { type: 'object', required: ['type', 'assignee'], properties: { type: { enum: ['assign'] }, assignee: { type: 'string', minLength: 1, maxLength: 128 } } },
  ],
};

const RULE_FIELDS = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  position: { type: 'integer', minimum: 0, maximum: 1000000, description: 'Evaluation order within the number, lowest first (default: after the last rule)' },
  enabled: { type: 'boolean', default: true },
  continueAfter: { type: 'boolean', default: false, description: 'Evaluate later rules too when this one fires (default: the first rule that fires ends the evaluation)' },
  cooldownSeconds: { type: 'integer', minimum: 0, maximum: 604800, default: 300, description: 'This rule replies to one contact at most once per this many seconds' },
  trigger: ref('AutomationTrigger'),
  actions: { type: 'array', minItems: 1, maxItems: 5, items: ref('AutomationAction') },
};

const SCHEMAS: Record<string, unknown> = {
  AutomationTrigger: TRIGGER,
  AutomationAction: ACTION,
  AutomationRule: {
    type: 'object',
    required: ['id', 'phoneNumberId', 'position', 'name', 'enabled', 'continueAfter', 'cooldownSeconds', 'trigger', 'actions', 'createdAt', 'updatedAt'],
    properties: { id: { type: 'string' }, phoneNumberId: { type: 'string' }, ...RULE_FIELDS, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' } },
  },
  AutomationRuleCreate: {
    type: 'object', required: ['phoneNumberId', 'name', 'trigger', 'actions'], additionalProperties: false,
    properties: { phoneNumberId: { type: 'string', pattern: '^\\d{1,32}$' }, ...RULE_FIELDS },
    example: { phoneNumberId: '106540352242922', name: 'prices', trigger: { type: 'keyword', keywords: ['price', 'prices'], match: 'contains' }, actions: [{ type: 'reply', message: { type: 'text', text: { body: 'Our prices: https://example.com/prices' } } }] },
  },
  AutomationRulePatch: { type: 'object', additionalProperties: false, properties: RULE_FIELDS },
};

const PATHS: Record<string, Record<string, unknown>> = {
  '/v1/automations/rules': {
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Automations_listRules', summary: 'Rules, by number and evaluation order',
      parameters: [{ name: 'phoneNumberId', in: 'query', required: false, schema: { type: 'string' } }],
      responses: { 200: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('AutomationRule') } } }, 'The tenant\'s rules'), ...errors(400, 401, 403, 502, 504) },
    },
    post: {
      tags: [TAG], security: SECURITY, operationId: 'Automations_createRule', summary: 'Adds a rule to a number (applies within seconds)',
      requestBody: { required: true, content: { 'application/json': { schema: ref('AutomationRuleCreate') } } },
      responses: { 201: json(ref('AutomationRule'), 'The rule'), ...errors(400, 401, 403, 409, 502, 504) },
    },
  },
  '/v1/automations/rules/{id}': {
    get: { tags: [TAG], security: SECURITY, operationId: 'Automations_getRule', parameters: [idParam], responses: { 200: json(ref('AutomationRule'), 'The rule'), ...errors(401, 403, 404) } },
    patch: {
      tags: [TAG], security: SECURITY, operationId: 'Automations_updateRule', parameters: [idParam],
      requestBody: { required: true, content: { 'application/json': { schema: ref('AutomationRulePatch') } } },
      responses: { 200: json(ref('AutomationRule'), 'The rule'), ...errors(400, 401, 403, 404) },
    },
    delete: { tags: [TAG], security: SECURITY, operationId: 'Automations_deleteRule', parameters: [idParam], responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) } },
  },
};

/** Adds the forwarded automation routes (errors share the conversations' error schema). */
export function addAutomationPaths(doc: OpenAPIObject): void {
  doc.components = doc.components ?? {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...(SCHEMAS as NonNullable<OpenAPIObject['components']>['schemas']) };
  for (const [path, ops] of Object.entries(PATHS)) doc.paths[path] = { ...(doc.paths[path] ?? {}), ...ops } as OpenAPIObject['paths'][string];
}
