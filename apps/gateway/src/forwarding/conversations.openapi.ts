import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * `/v1/conversations…` is forwarded to the conversations service by one catch-all route; these
 * are its routes and shapes (DESIGN §12 "Conversations", ADR 0130), written out. The agent send
 * and the read receipt are the gateway's own routes (documented by their controller, ADR 0131).
 */

const TAG = 'conversations';
const SECURITY = [{ apiKey: [] }];
const ERROR = { $ref: '#/components/schemas/ConversationError' };
const ERROR_TEXT: Record<number, string> = {
  400: 'invalid query, cursor or body', 401: 'missing or invalid API key', 403: 'the key lacks the `conversations` scope',
  404: 'no such conversation for this tenant', 502: 'the conversations service is unavailable', 504: 'the conversations service did not answer in time',
};
const errors = (...codes: number[]): Record<string, unknown> =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: ERROR } } }]));
const json = (schema: unknown, description: string): Record<string, unknown> => ({ description, content: { 'application/json': { schema } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The conversation id, as listed' };
const cursorParam = { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'The `nextCursor` of the previous page' };
const limitParam = { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } };
const page = (item: string) => ({ type: 'object', required: ['data', 'nextCursor'], properties: { data: { type: 'array', items: { $ref: `#/components/schemas/${item}` } }, nextCursor: { type: 'string', nullable: true } } });

const SCHEMAS: Record<string, unknown> = {
  Conversation: {
    type: 'object',
    required: ['id', 'phoneNumberId', 'lastMessageAt', 'unread'],
    properties: {
      id: { type: 'string' }, phoneNumberId: { type: 'string' }, waId: { type: 'string' }, userId: { type: 'string', description: 'Business-scoped user id (BSUID)' },
      profileName: { type: 'string' }, lastMessageAt: { type: 'string', format: 'date-time' },
      unread: { type: 'integer', description: 'Inbound messages since the last mark-as-read' },
      assignee: { type: 'string' }, lastInboundAt: { type: 'string', format: 'date-time' },
      serviceWindowOpenUntil: { type: 'string', format: 'date-time', description: 'Last inbound + 24 h (the customer-service window)' },
      lastInboundWamid: { type: 'string', description: 'Single-conversation answers only: the last inbound message received' },
    },
  },
  ConversationMessage: {
    type: 'object',
    required: ['id', 'direction', 'type', 'content', 'at'],
    properties: {
      id: { type: 'string', description: 'Our message id (outbound, as GET /v1/messages/:id), the wamid (inbound)' },
      direction: { type: 'string', enum: ['inbound', 'outbound'] },
      type: { type: 'string' },
      content: { type: 'object', nullable: true, description: "Meta's object under its type (`{text: {body}}`, `{image: {…, mediaId}}`), with `context`/`referral`; null once revoked" },
      status: { type: 'string', enum: ['accepted', 'sent', 'delivered', 'read', 'played', 'failed', 'rejected', 'dead-lettered'] },
      wamid: { type: 'string' }, at: { type: 'string', format: 'date-time' }, error: { type: 'object' },
      editedAt: { type: 'string', format: 'date-time' }, revokedAt: { type: 'string', format: 'date-time' },
    },
  },
  ConversationSettings: {
    type: 'object',
    properties: { retentionDays: { type: 'integer', nullable: true, minimum: 1, maximum: 3650 }, defaultRetentionDays: { type: 'integer', readOnly: true } },
  },
  ConversationError: {
    type: 'object',
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const PATHS: Record<string, Record<string, unknown>> = {
  '/v1/conversations': {
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Conversations_list', summary: 'Conversations, most recent first',
      parameters: [
        { name: 'phoneNumberId', in: 'query', required: false, schema: { type: 'string' } },
        { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'unread', 'assigned'] }, description: 'open: the contact wrote within 24 h (the service window)' },
        { name: 'waId', in: 'query', required: false, schema: { type: 'string' } }, { name: 'userId', in: 'query', required: false, schema: { type: 'string' } },
        cursorParam, limitParam,
      ],
      responses: { 200: json(page('Conversation'), 'A page of conversations'), ...errors(400, 401, 403, 502, 504) },
    },
  },
  '/v1/conversations/settings': {
    get: { tags: [TAG], security: SECURITY, operationId: 'Conversations_getSettings', responses: { 200: json(ref('ConversationSettings'), 'The tenant\'s history retention'), ...errors(401, 403) } },
    put: {
      tags: [TAG], security: SECURITY, operationId: 'Conversations_putSettings', requestBody: { required: true, content: { 'application/json': { schema: ref('ConversationSettings') } } },
      responses: { 200: json(ref('ConversationSettings'), 'Applies from the next prune'), ...errors(400, 401, 403) },
    },
  },
  '/v1/conversations/{id}': {
    get: { tags: [TAG], security: SECURITY, operationId: 'Conversations_get', parameters: [idParam], responses: { 200: json(ref('Conversation'), 'The conversation'), ...errors(401, 403, 404) } },
  },
  '/v1/conversations/{id}/messages': {
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Conversations_messages', summary: 'Both directions, oldest first (own time, ties by arrival)',
      parameters: [idParam, cursorParam, limitParam],
      responses: { 200: json(page('ConversationMessage'), 'A page of the history'), ...errors(400, 401, 403, 404) },
    },
  },
  '/v1/conversations/{id}/assignee': {
    put: {
      tags: [TAG], security: SECURITY, operationId: 'Conversations_assign', parameters: [idParam],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['assignee'], properties: { assignee: { type: 'string', nullable: true, maxLength: 128 } } } } } },
      responses: { 200: json(ref('Conversation'), 'The conversation'), ...errors(400, 401, 403, 404) },
    },
  },
};

/** Adds the forwarded conversation routes (merged with the gateway's own `POST …/messages` and `…/read`). */
export function addConversationPaths(doc: OpenAPIObject): void {
  doc.components = doc.components ?? {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...(SCHEMAS as NonNullable<OpenAPIObject['components']>['schemas']) };
  for (const [path, ops] of Object.entries(PATHS)) doc.paths[path] = { ...(doc.paths[path] ?? {}), ...ops } as OpenAPIObject['paths'][string];
}
