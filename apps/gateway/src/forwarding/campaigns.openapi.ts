import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * `/v1/campaigns…` is forwarded to the campaigns service by one catch-all route; these are its
 * routes and shapes (DESIGN §12 "Campaigns", ADRs 0151-0154), written out.
 */

const TAG = 'campaigns';
const SECURITY = [{ apiKey: [] }];
const ERROR = { $ref: '#/components/schemas/CampaignError' };
const ERROR_TEXT: Record<number, string> = {
  400: 'invalid query or body', 401: 'missing or invalid API key', 403: 'the key lacks the `campaigns` scope',
  404: 'no such campaign (or phone number) for this tenant', 409: 'the campaign\'s status does not allow this action',
  413: 'the upload is larger than allowed', 415: 'the upload is not text/csv',
  502: 'the campaigns service is unavailable', 504: 'the campaigns service did not answer in time',
};
const errors = (...codes: number[]): Record<string, unknown> =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: ERROR } } }]));
const json = (schema: unknown, description: string): Record<string, unknown> => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The campaign id' };
const cursorParam = { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'The `nextCursor` of the previous page' };
const page = (item: string) => ({ type: 'object', required: ['data', 'nextCursor'], properties: { data: { type: 'array', items: ref(item) }, nextCursor: { type: 'string', nullable: true } } });
const STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'];
const RECIPIENT_STATUSES = ['pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'skipped'];

const SCHEMAS: Record<string, unknown> = {
  CampaignCreate: {
    type: 'object',
    required: ['name', 'phoneNumberId', 'template', 'audience'],
    properties: {
      name: { type: 'string', maxLength: 200 },
      phoneNumberId: { type: 'string', pattern: '^\\d{1,32}$' },
      template: {
        type: 'object', required: ['name', 'language'],
        description: "Meta's template object. Strings in `components` may name contact fields per recipient: `{{attributes.<key>}}`, `{{profileName}}`, `{{waId}}`, with a fallback after `|` (`{{attributes.firstName|there}}`); a recipient missing one without a fallback is skipped.",
        properties: {
          name: { type: 'string' }, language: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
          components: { type: 'array', items: { type: 'object' }, maxItems: 20 },
        },
      },
      audience: {
        type: 'object', description: 'At least one; together, each recipient once (by wa_id). Tags: contacts of the number with every tag.',
        properties: {
          tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
          contactIds: { type: 'array', items: { type: 'string' } },
          waIds: { type: 'array', items: { type: 'string', pattern: '^\\d{5,20}$' }, description: 'Phone numbers in digits with their country code; one that is not a possible number (as `to` of POST /v1/messages) answers 400 naming `audience.waIds[i]`' },
          segmentId: { type: 'string', description: 'A saved segment of the same number: its filter is copied into the campaign (tags given here narrow it)' },
        },
      },
      startAt: { type: 'string', format: 'date-time', description: 'Sending starts then (after `start`); absent: at `start`' },
      endAt: { type: 'string', format: 'date-time', description: 'End of the sending window: recipients not planned by then are skipped' },
    },
  },
  CampaignCounts: {
    type: 'object',
    required: ['total', 'queued', 'sent', 'delivered', 'read', 'failed', 'skipped'],
    properties: {
      total: { type: 'integer' }, pending: { type: 'integer', description: 'Not planned yet (its turn, the tier budget or the start)' },
      queued: { type: 'integer', description: 'Given to the dispatcher, not sent yet' }, sent: { type: 'integer' }, delivered: { type: 'integer' },
      read: { type: 'integer' }, failed: { type: 'integer' }, skipped: { type: 'integer', description: 'Opted out (at expansion or at send time), a missing parameter, the window ended' },
      failedMarketingLimit: { type: 'integer', description: "Of failed: Meta's per-user marketing limit (131049), counted, not resent" },
    },
  },
  CampaignCost: {
    type: 'object',
    nullable: true,
    description: "What the campaign's delivered messages cost (ADR 0155): priced by the analytics service with the tenant's rate card (GET/PUT /v1/analytics/rate-card), charged on delivery; live as Meta's statuses arrive. Null when analytics could not be asked",
    required: ['currency', 'total', 'byCategory', 'unpriced', 'billable', 'free'],
    properties: {
      currency: { type: 'string', nullable: true, description: "The rate card's currency; null without a card (amounts 0)" },
      total: { type: 'number' }, byCategory: { type: 'object', additionalProperties: { type: 'number' } },
      unpriced: { type: 'array', items: { type: 'string' }, description: 'Charged categories without a price on the card (counted as 0)' },
      billable: { type: 'integer', description: 'Messages Meta charged (delivered, billable)' }, free: { type: 'integer', description: 'Delivered free of charge' },
    },
  },
  Campaign: {
    type: 'object',
    required: ['id', 'status'],
    properties: {
      id: { type: 'string' }, name: { type: 'string' }, status: { type: 'string', enum: STATUSES }, phoneNumberId: { type: 'string' },
      template: { type: 'object' }, audience: { type: 'object' }, startAt: { type: 'string', format: 'date-time', nullable: true },
      endAt: { type: 'string', format: 'date-time', nullable: true }, expanded: { type: 'boolean', description: 'Every recipient of the audience is known' },
      createdAt: { type: 'string', format: 'date-time' }, startedAt: { type: 'string', format: 'date-time', nullable: true },
      finishedAt: { type: 'string', format: 'date-time', nullable: true }, counts: ref('CampaignCounts'),
      parameters: { type: 'object', nullable: true, description: 'The uploaded parameters CSV (PUT /v1/campaigns/{id}/parameters)', properties: { columns: { type: 'array', items: { type: 'string' } }, rows: { type: 'integer' }, uploadedAt: { type: 'string', format: 'date-time' } } },
      cost: { allOf: [ref('CampaignCost')], nullable: true, description: 'GET /v1/campaigns/{id} only' },
    },
  },
  CampaignRecipient: {
    type: 'object',
    properties: {
      recipient: { type: 'string', description: 'wa_id (or BSUID)' }, contactId: { type: 'string', nullable: true },
      messageId: { type: 'string', description: 'As GET /v1/messages/:id' }, status: { type: 'string', enum: RECIPIENT_STATUSES },
      reason: { type: 'string', nullable: true }, errorCode: { type: 'integer', nullable: true }, queuedAt: { type: 'string', format: 'date-time', nullable: true },
    },
  },
  SegmentFilter: {
    type: 'object',
    description: 'Every condition given must hold',
    properties: {
      tags: { type: 'array', items: { type: 'string' }, maxItems: 10, description: 'Contacts with every tag' },
      attribute: { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: 'string' } }, description: 'Contacts whose attribute `key` equals `value`' },
      optedIn: { type: 'boolean', description: 'true: explicit opt-in only; false: the others (opted-out contacts are never sent to)' },
      windowOpen: { type: 'boolean', description: 'The 24 h customer-service window is open (true) or closed (false) when the audience is read' },
      lastInboundSince: { type: 'string', format: 'date-time', description: 'Wrote to the number at or after this time' },
    },
  },
  SegmentCreate: {
    type: 'object', required: ['name', 'phoneNumberId', 'filter'],
    properties: { name: { type: 'string', maxLength: 200 }, phoneNumberId: { type: 'string', pattern: '^\\d{1,32}$' }, filter: ref('SegmentFilter') },
  },
  Segment: {
    type: 'object', required: ['id', 'name', 'phoneNumberId', 'filter'],
    properties: { id: { type: 'string' }, name: { type: 'string' }, phoneNumberId: { type: 'string' }, filter: ref('SegmentFilter'), createdAt: { type: 'string', format: 'date-time' } },
  },
  CampaignError: {
    type: 'object',
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
  },
};

const action = (name: string, summary: string) => ({
  post: {
    tags: [TAG], security: SECURITY, operationId: `Campaigns_${name}`, summary, parameters: [idParam],
    responses: {
      200: json({ type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { type: 'string', enum: STATUSES } } }, 'The campaign\'s status after the action'),
      ...errors(401, 403, 404, 409),
    },
  },
});

const PATHS: Record<string, Record<string, unknown>> = {
  '/v1/campaigns': {
    post: {
      tags: [TAG], security: SECURITY, operationId: 'Campaigns_create', summary: 'Creates a campaign (status draft; `start` sends it)',
      requestBody: { required: true, content: { 'application/json': { schema: ref('CampaignCreate') } } },
      responses: { 201: json(ref('Campaign'), 'The campaign'), ...errors(400, 401, 403, 404) },
    },
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Campaigns_list', summary: 'Campaigns, newest first',
      parameters: [
        { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: STATUSES } }, cursorParam,
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      ],
      responses: { 200: json(page('Campaign'), 'A page of campaigns'), ...errors(400, 401, 403) },
    },
  },
  '/v1/campaigns/{id}': {
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Campaigns_get', summary: 'A campaign with its live counts (from the messages\' events) and cost (from analytics)', parameters: [idParam],
      responses: { 200: json(ref('Campaign'), 'The campaign and its counts'), ...errors(401, 403, 404) },
    },
  },
  '/v1/campaigns/{id}/parameters': {
    put: {
      tags: [TAG], security: SECURITY, operationId: 'Campaigns_putParameters',
      summary: 'Per-recipient template parameters from a CSV (ADR 0156), while the campaign is a draft: header `waId,<name>,…`, one row per recipient; `{{csv.<name>}}` (or `{{csv.<name>|fallback}}`) in the template\'s parameters takes the value. Replaces an earlier upload. Streamed; a bad line is reported and skipped; a recipient without a row (and no fallback) is skipped with `missing-parameter:csv.<name>`',
      parameters: [idParam],
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: 'waId,code,city\r\n4915112345678,A-17,"Berlin, Mitte"\r\n' } } },
      responses: {
        200: json({
          type: 'object', required: ['rows', 'stored', 'columns', 'errors', 'errorCount'],
          properties: {
            rows: { type: 'integer', description: 'Data rows read' }, stored: { type: 'integer', description: 'Distinct recipients stored (a later row of the same waId wins)' },
            columns: { type: 'array', items: { type: 'string' } }, errorCount: { type: 'integer' },
            errors: { type: 'array', description: 'The first 100 refused lines', items: { type: 'object', required: ['line', 'error'], properties: { line: { type: 'integer' }, error: { type: 'string' } } } },
          },
        }, 'What was stored and the refused lines'),
        ...errors(400, 401, 403, 404, 409, 413, 415),
      },
    },
  },
  '/v1/campaigns/{id}/recipients': {
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Campaigns_recipients', summary: 'The recipients, in expansion order', parameters: [
        idParam, { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: RECIPIENT_STATUSES } }, cursorParam,
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      ],
      responses: { 200: json(page('CampaignRecipient'), 'A page of recipients'), ...errors(400, 401, 403, 404) },
    },
  },
  '/v1/campaigns/segments': {
    post: {
      tags: [TAG], security: SECURITY, operationId: 'Segments_create', summary: 'Saves a filter over a number\'s contacts (a campaign audience: `audience.segmentId`)',
      requestBody: { required: true, content: { 'application/json': { schema: ref('SegmentCreate') } } },
      responses: { 201: json(ref('Segment'), 'The segment'), ...errors(400, 401, 403, 404) },
    },
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Segments_list', summary: 'Segments, newest first (up to 500)',
      responses: { 200: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('Segment') } } }, 'The segments'), ...errors(401, 403) },
    },
  },
  '/v1/campaigns/segments/{segmentId}': {
    get: {
      tags: [TAG], security: SECURITY, operationId: 'Segments_get', summary: 'A segment',
      parameters: [{ name: 'segmentId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: json(ref('Segment'), 'The segment'), ...errors(401, 403, 404) },
    },
    delete: {
      tags: [TAG], security: SECURITY, operationId: 'Segments_delete', summary: 'Deletes a segment (campaigns made from it keep their copy)',
      parameters: [{ name: 'segmentId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
    },
  },
  '/v1/campaigns/{id}/start': action('start', 'Starts a draft (scheduled while `startAt` is ahead)'),
  '/v1/campaigns/{id}/pause': action('pause', 'Stops planning sends within a tick; what the dispatcher already has still goes'),
  '/v1/campaigns/{id}/resume': action('resume', 'Continues a paused campaign where it stood (no recipient twice)'),
  '/v1/campaigns/{id}/cancel': action('cancel', 'Ends the campaign; recipients not planned are never sent'),
};

/** Adds the forwarded campaign routes. */
export function addCampaignPaths(doc: OpenAPIObject): void {
  doc.components = doc.components ?? {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...(SCHEMAS as NonNullable<OpenAPIObject['components']>['schemas']) };
  for (const [path, ops] of Object.entries(PATHS)) doc.paths[path] = { ...(doc.paths[path] ?? {}), ...ops } as OpenAPIObject['paths'][string];
}
