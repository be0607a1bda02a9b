import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_EVENT_TYPES } from '@wabridge/contracts';

/**
 * `/v1/webhook-endpoints…` is forwarded to the notifier by one catch-all route, which Nest would
 * document as eight methods with no shapes; these are the routes and shapes of DESIGN §12
 * ("Webhook endpoints"), written out. The notifier owns the behaviour (docs/notifier.md).
 */


const TAG = 'webhook endpoints (forwarded to the notifier)';
const SECURITY = [{ apiKey: [] }];
const ERROR = { $ref: '#/components/schemas/WebhookEndpointError' };
const errors = (...codes: number[]): Record<string, unknown> =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: ERROR } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'invalid body, query or path', 401: 'missing or invalid API key', 403: 'the key lacks the `webhooks` scope',
  404: 'no such endpoint for this tenant', 409: 'the tenant has the most endpoints allowed', 502: 'the notifier is unavailable',
  504: 'the notifier did not answer in time',
};
const json = (schema: unknown, description: string): Record<string, unknown> => ({ description, content: { 'application/json': { schema } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The endpoint id' };

const SCHEMAS: Record<string, unknown> = {
  WebhookEventType: { type: 'string', enum: [...PUBLIC_EVENT_TYPES] },
  CreateWebhookEndpoint: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', format: 'uri', description: 'HTTPS outside development; private, loopback and metadata targets are refused unless the operator allows them' },
      fallbackUrl: { type: 'string', format: 'uri', description: 'Receives an event once the primary URL has exhausted its retries' },
      events: { type: 'array', items: { $ref: '#/components/schemas/WebhookEventType' }, description: 'Event types to deliver; all when absent' },
      phoneNumberIds: { type: 'array', items: { type: 'string', pattern: '^\\d{1,32}$' }, description: 'Only events of these numbers; all when absent' },
      description: { type: 'string' },
    },
    example: { url: 'https://crm.example.com/hooks/whatsapp', events: ['message.received', 'message.status'] },
  },
  UpdateWebhookEndpoint: {
    type: 'object',
    description: 'Only the fields given change; null clears fallbackUrl, events, phoneNumberIds or description',
    properties: {
      url: { type: 'string', format: 'uri' },
      fallbackUrl: { type: 'string', format: 'uri', nullable: true },
      events: { type: 'array', items: { $ref: '#/components/schemas/WebhookEventType' }, nullable: true },
      phoneNumberIds: { type: 'array', items: { type: 'string', pattern: '^\\d{1,32}$' }, nullable: true },
      description: { type: 'string', nullable: true },
      enabled: { type: 'boolean', description: 'false pauses deliveries; true re-enables an endpoint the notifier disabled' },
    },
  },
  WebhookEndpoint: {
    type: 'object',
    required: ['id', 'url', 'events', 'enabled'],
    properties: {
      id: { type: 'string', example: 'we_01JEXAMPLE0000000000000000' },
      url: { type: 'string' },
      fallbackUrl: { type: 'string', nullable: true },
      events: { type: 'array', items: { $ref: '#/components/schemas/WebhookEventType' }, nullable: true, description: 'null: every type' },
      phoneNumberIds: { type: 'array', items: { type: 'string' }, nullable: true, description: "null: every number of the tenant" },
      description: { type: 'string', nullable: true },
      enabled: { type: 'boolean' },
      disabledReason: { type: 'string', nullable: true, description: 'Why the notifier disabled it (e.g. failing for days)' },
      failingSince: { type: 'string', format: 'date-time', nullable: true },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  CreatedWebhookEndpoint: {
    allOf: [
      { $ref: '#/components/schemas/WebhookEndpoint' },
      {
        type: 'object',
        required: ['secret'],
        properties: { secret: { type: 'string', pattern: '^whsec_', description: 'Signing secret, `whsec_<base64>`; shown only here (and on rotation)' } },
      },
    ],
    example: { id: 'we_01JEXAMPLE0000000000000000', url: 'https://crm.example.com/hooks/whatsapp', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', events: ['message.received', 'message.status'], enabled: true },
  },
  WebhookDelivery: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'Cursor of the delivery log' },
      eventId: { type: 'string', description: 'The `webhook-id` header (receivers dedupe by it)' },
      type: { $ref: '#/components/schemas/WebhookEventType' },
      origin: { type: 'string', description: 'What queued it (the event, a replay, a test)' },
      status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
      target: { type: 'string', enum: ['primary', 'fallback'] },
      attempt: { type: 'integer', description: 'Attempts so far' },
      statusCode: { type: 'integer', nullable: true, description: 'HTTP status of the last attempt' },
      latencyMs: { type: 'integer', nullable: true },
      error: { type: 'string', nullable: true },
      nextAttemptAt: { type: 'string', format: 'date-time', nullable: true },
      lastAttemptAt: { type: 'string', format: 'date-time', nullable: true },
      createdAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: 'string', format: 'date-time', nullable: true },
    },
  },
  WebhookEndpointError: {
    type: 'object',
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
  },
};

const op = (operationId: string, summary: string, rest: Record<string, unknown>): Record<string, unknown> => ({
  operationId, summary, tags: [TAG], security: SECURITY, ...rest,
});

export const WEBHOOK_ENDPOINT_PATHS: Record<string, Record<string, unknown>> = {
  '/v1/webhook-endpoints': {
    post: op('WebhookEndpoints_create', 'Register an endpoint; the answer shows its signing secret once', {
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateWebhookEndpoint' } } } },
      responses: { '201': json({ $ref: '#/components/schemas/CreatedWebhookEndpoint' }, 'the endpoint, with its secret'), ...errors(400, 401, 403, 409, 502, 504) },
    }),
    get: op('WebhookEndpoints_list', "The tenant's endpoints (no secrets)", {
      responses: {
        '200': json({ type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/WebhookEndpoint' } } } }, 'the endpoints'),
        ...errors(401, 403, 502, 504),
      },
    }),
  },
  '/v1/webhook-endpoints/{id}': {
    get: op('WebhookEndpoints_get', 'One endpoint (no secret)', {
      parameters: [idParam],
      responses: { '200': json({ $ref: '#/components/schemas/WebhookEndpoint' }, 'the endpoint'), ...errors(401, 403, 404, 502, 504) },
    }),
    patch: op('WebhookEndpoints_update', 'Change URL, fallback, filters, description or enable/disable', {
      parameters: [idParam],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/UpdateWebhookEndpoint' } } } },
      responses: { '200': json({ $ref: '#/components/schemas/WebhookEndpoint' }, 'the endpoint'), ...errors(400, 401, 403, 404, 502, 504) },
    }),
    delete: op('WebhookEndpoints_delete', 'Remove the endpoint; nothing more is delivered to it', {
      parameters: [idParam],
      responses: { '204': { description: 'removed' }, ...errors(401, 403, 404, 502, 504) },
    }),
  },
  '/v1/webhook-endpoints/{id}/replay': {
    post: op('WebhookEndpoints_replay', 'Deliver again the events of a time range (optionally of some types)', {
      parameters: [
        idParam,
        { name: 'since', in: 'query', required: true, schema: { type: 'string', format: 'date-time' } },
        { name: 'until', in: 'query', required: false, schema: { type: 'string', format: 'date-time' }, description: 'Now when absent' },
        { name: 'types', in: 'query', required: false, schema: { type: 'string' }, description: 'Comma-separated event types; all when absent' },
      ],
      responses: {
        '202': json({
          type: 'object',
          properties: { endpointId: { type: 'string' }, queued: { type: 'integer', description: 'Deliveries queued' }, since: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' } },
        }, 'replay queued'),
        ...errors(400, 401, 403, 404, 502, 504),
      },
    }),
  },
  '/v1/webhook-endpoints/{id}/deliveries': {
    get: op('WebhookEndpoints_deliveries', 'The delivery log: status code, latency, attempt, error', {
      parameters: [
        idParam,
        { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['pending', 'delivered', 'dead'] } },
        { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: '`nextCursor` of the previous page' },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
      ],
      responses: {
        '200': json({ type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/WebhookDelivery' } }, nextCursor: { type: 'string', nullable: true } } }, 'deliveries, newest first'),
        ...errors(401, 403, 404, 502, 504),
      },
    }),
  },
  '/v1/webhook-endpoints/{id}/test': {
    post: op('WebhookEndpoints_test', 'Send a signed test event (`account.alert`, kind `webhook-test`) to the primary URL now', {
      parameters: [idParam],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            deliveryId: { type: 'string' }, eventId: { type: 'string' }, delivered: { type: 'boolean' },
            statusCode: { type: 'integer', nullable: true }, latencyMs: { type: 'integer' }, error: { type: 'string', nullable: true },
          },
        }, "the attempt's outcome"),
        ...errors(401, 403, 404, 502, 504),
      },
    }),
  },
  '/v1/webhook-endpoints/{id}/rotate-secret': {
    post: op('WebhookEndpoints_rotateSecret', 'A new signing secret (shown once); the old one keeps signing too for an overlap period', {
      parameters: [idParam],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            id: { type: 'string' }, secret: { type: 'string', pattern: '^whsec_', description: 'Shown only here' },
            previousSecretValidUntil: { type: 'string', format: 'date-time', nullable: true, description: 'Until then deliveries carry a signature by each secret' },
          },
        }, 'the new secret'),
        ...errors(401, 403, 404, 502, 504),
      },
    }),
  },
};

/** Adds the forwarded webhook-endpoint routes and their schemas to the gateway's document. */
export function addWebhookEndpointPaths(doc: OpenAPIObject): void {
  Object.assign(doc.paths, WEBHOOK_ENDPOINT_PATHS);
  doc.components ??= {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...(SCHEMAS as NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>) };
}
