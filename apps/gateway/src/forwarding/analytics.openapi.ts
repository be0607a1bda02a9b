import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * `/v1/analytics…` is forwarded to the analytics service by one catch-all route (scope
 * `messages:read`), which Nest would document as eight bare methods; these are its routes and
 * shapes (DESIGN §12 "Analytics", docs/analytics.md, ADRs 0122-0124), written out from the
 * service's controllers and DTOs (apps/analytics/src/query, rate-card). The dashboard page
 * (`GET /dashboard`, public: the page holds no data) is listed too.
 */

const TAG = 'analytics (forwarded to the analytics service)';
const SECURITY = [{ apiKey: [] }];
const ERROR = { $ref: '#/components/schemas/AnalyticsError' };
const ERROR_TEXT: Record<number, string> = {
  400: 'invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields',
  401: 'missing or invalid API key',
  403: 'the key lacks the `messages:read` scope',
  404: 'no rate card set for this tenant',
  429: 'rate limit of the key (`retry-after` header)',
  502: 'the analytics service is unavailable',
  504: 'the analytics service did not answer in time',
};
const errors = (...codes: number[]): Record<string, unknown> =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: ERROR } } }]));
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown, description: string): Record<string, unknown> => ({ description, content: { 'application/json': { schema } } });
/** JSON, or CSV (RFC 4180, CRLF, header row) with `format=csv` or `Accept: text/csv` (ADR 0123). */
const jsonOrCsv = (schema: unknown, description: string, header: string, example: string): Record<string, unknown> => ({
  description: `${description}; as CSV (\`${header}\`) with \`format=csv\` or \`Accept: text/csv\`, sent as an attachment`,
  content: {
    'application/json': { schema },
    'text/csv': { schema: { type: 'string', description: `RFC 4180, CRLF line ends, header row \`${header}\`; fields starting with = + - @ are prefixed with '` }, example },
  },
});

const phoneNumberId = { name: 'phoneNumberId', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{1,32}$' }, description: 'Only this number; all of the tenant\'s when absent' };
const from = {
  name: 'from', in: 'query', required: false, schema: { type: 'string', example: '2026-03-10T00:00:00Z' },
  description: 'ISO 8601 date or date-time, rounded down to its UTC hour; default `to` − 7 days',
};
const to = {
  name: 'to', in: 'query', required: false, schema: { type: 'string', example: '2026-03-11T00:00:00Z' },
  description: 'ISO 8601 date or date-time, exclusive (hour buckets starting before it); default the end of the current UTC hour. At most ANALYTICS_MAX_RANGE_DAYS (400) after `from`',
};
const range = [phoneNumberId, from, to];
const format = { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv'] }, description: 'csv: the same rows as CSV (else `Accept: text/csv` decides)' };
const interval = { name: 'interval', in: 'query', required: false, schema: { type: 'string', enum: ['hour', 'day'], default: 'hour' }, description: 'Bucket size (UTC hours or days); every bucket of the range is listed' };
const limit = { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } };

export const TIMESERIES_METRICS = ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected', 'inbound', 'cost'];

const percentiles = {
  type: 'object',
  required: ['p50', 'p95', 'p99', 'samples'],
  description: 'Milliseconds, from HDR histograms merged over the range (within 1 % of the true value); null without samples',
  properties: {
    p50: { type: 'integer', nullable: true }, p95: { type: 'integer', nullable: true }, p99: { type: 'integer', nullable: true },
    samples: { type: 'integer', description: 'Messages measured' },
  },
};
const latencyPairs = {
  acceptedToSent: { allOf: [ref('AnalyticsPercentiles')], description: 'Our acceptance → Meta accepted the send (the dispatcher)' },
  sentToDelivered: { allOf: [ref('AnalyticsPercentiles')], description: "Sent → Meta's delivered status (Meta's timestamp, whole seconds)" },
  deliveredToRead: { allOf: [ref('AnalyticsPercentiles')], description: "Meta's delivered → read status (played counts as read)" },
};
const count = { type: 'integer', minimum: 0 };
const priceMap = { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1000000 }, description: 'Pricing category (lower case, `_`) → price per billable unit, at most 6 decimals' };

const SCHEMAS: Record<string, unknown> = {
  AnalyticsPercentiles: percentiles,
  AnalyticsCostSummary: {
    type: 'object',
    required: ['currency', 'total', 'byCategory', 'unpriced'],
    properties: {
      currency: { type: 'string', nullable: true, description: "The rate card's currency; null without a rate card" },
      total: { type: 'number', description: 'Billable units × the rate card\'s price (the market\'s, else the default), summed in millionths' },
      byCategory: { type: 'object', additionalProperties: { type: 'number' } },
      unpriced: { type: 'array', items: { type: 'string' }, description: 'Categories with billable units but no price on the card (counted as 0)' },
    },
  },
  AnalyticsSummary: {
    type: 'object',
    required: ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected', 'inbound', 'cost', 'latencyMs', 'range'],
    properties: {
      accepted: count, sent: count, delivered: count, read: count,
      failed: { ...count, description: 'Failed after acceptance (also dead-lettered), Meta\'s failed statuses included' },
      rejected: { ...count, description: 'Refused before sending (compliance)' },
      inbound: count,
      cost: ref('AnalyticsCostSummary'),
      latencyMs: { type: 'object', required: ['acceptedToSent', 'sentToDelivered', 'deliveredToRead'], properties: latencyPairs },
      range: {
        type: 'object', required: ['from', 'to', 'phoneNumberId'],
        properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, phoneNumberId: { type: 'string', nullable: true } },
      },
    },
    example: {
      accepted: 100, sent: 95, delivered: 90, read: 60, failed: 5, rejected: 3, inbound: 12,
      cost: { currency: 'EUR', total: 6.55, byCategory: { authentication_international: 3, marketing: 3.55 }, unpriced: [] },
      latencyMs: {
        acceptedToSent: { p50: 120, p95: 410, p99: 800, samples: 95 },
        sentToDelivered: { p50: 1500, p95: 3100, p99: 4000, samples: 90 },
        deliveredToRead: { p50: 60000, p95: 300000, p99: 600000, samples: 60 },
      },
      range: { from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z', phoneNumberId: null },
    },
  },
  AnalyticsTimeseries: {
    type: 'object',
    required: ['metric', 'interval', 'data'],
    properties: {
      metric: { type: 'string', enum: TIMESERIES_METRICS },
      interval: { type: 'string', enum: ['hour', 'day'] },
      currency: { type: 'string', nullable: true, description: 'metric=cost only: the rate card\'s currency (null without a card)' },
      data: {
        type: 'array', description: 'Every bucket of the range, oldest first, zeros included',
        items: { type: 'object', required: ['at', 'value'], properties: { at: { type: 'string', format: 'date-time' }, value: { type: 'number' } } },
      },
    },
  },
  AnalyticsLatencySeries: {
    type: 'object',
    required: ['interval', 'data'],
    properties: {
      interval: { type: 'string', enum: ['hour', 'day'] },
      data: {
        type: 'array', description: 'Every bucket of the range, oldest first (nulls without samples)',
        items: { type: 'object', required: ['at', 'acceptedToSent', 'sentToDelivered', 'deliveredToRead'], properties: { at: { type: 'string', format: 'date-time' }, ...latencyPairs } },
      },
    },
  },
  AnalyticsErrorLine: {
    type: 'object',
    required: ['code', 'class', 'count', 'failed', 'rejected', 'title', 'action'],
    properties: {
      code: { type: 'integer', nullable: true, description: "Meta's error code; null for the platform's own refusals" },
      class: { type: 'string', description: 'throttled, transient, auth, permanent, template, quality, compliance, unknown' },
      count: count, failed: count, rejected: count,
      title: { type: 'string', nullable: true, description: "Meta's title as last reported for the code" },
      action: { type: 'string', description: 'What the platform does about errors of this code' },
    },
    example: { code: 131026, class: 'permanent', count: 5, failed: 5, rejected: 0, title: 'Message undeliverable', action: 'fail fast, tell the customer' },
  },
  AnalyticsTemplateLine: {
    type: 'object',
    required: ['name', 'language', 'sent', 'delivered', 'read', 'failed', 'byCategory'],
    properties: {
      name: { type: 'string' }, language: { type: 'string' }, sent: count, delivered: count, read: count, failed: count,
      byCategory: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Priced messages by the category Meta charged' },
    },
  },
  AnalyticsCostLine: {
    type: 'object',
    required: ['category', 'type', 'pricingModel', 'market', 'billable', 'free', 'unitPrice', 'amount'],
    properties: {
      category: { type: 'string', example: 'marketing' },
      type: { type: 'string', description: 'regular, free_customer_service, free_entry_point (PMP); conversation (CBP)' },
      pricingModel: { type: 'string', enum: ['PMP', 'CBP'], description: 'Per-message or conversation-based (a CBP conversation is charged once)' },
      market: { type: 'string', description: "The recipient's country calling code; empty when unknown (a BSUID)" },
      billable: count, free: count,
      unitPrice: { type: 'number', nullable: true, description: 'From the rate card (the market\'s price first); null when it has none' },
      amount: { type: 'number' },
    },
  },
  AnalyticsCost: {
    allOf: [
      ref('AnalyticsCostSummary'),
      { type: 'object', required: ['lines'], properties: { lines: { type: 'array', items: ref('AnalyticsCostLine') } } },
    ],
  },
  AnalyticsNumber: {
    type: 'object',
    required: ['phoneNumberId', 'displayPhoneNumber', 'status', 'pausedReason', 'tier', 'quality'],
    properties: {
      phoneNumberId: { type: 'string' },
      displayPhoneNumber: { type: 'string', nullable: true, description: 'Digits' },
      status: { type: 'string', nullable: true },
      pausedReason: { type: 'string', nullable: true },
      tier: { type: 'string', nullable: true, description: 'Messaging tier as the platform holds it' },
      quality: {
        type: 'object', nullable: true, description: "Meta's last phone_number_quality_update for the number",
        required: ['event', 'currentLimit', 'at'],
        properties: { event: { type: 'string', nullable: true }, currentLimit: { type: 'string', nullable: true }, at: { type: 'string', format: 'date-time' } },
      },
    },
  },
  AnalyticsRateCardBody: {
    type: 'object',
    required: ['currency', 'prices'],
    properties: {
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217' },
      prices: { ...priceMap, description: `${priceMap.description}; at most 50 categories (marketing, utility, authentication, authentication_international, service, marketing_lite, referral_conversion, or legacy CBP ones)` },
      markets: {
        type: 'object', additionalProperties: priceMap,
        description: "Country calling code (`^[1-9]\\d{0,3}$`, e.g. 49) → prices that override the defaults for recipients there; at most 300",
      },
    },
    example: { currency: 'EUR', prices: { marketing: 0.05, utility: 0.02, authentication: 0.03 }, markets: { '49': { marketing: 0.1 } } },
  },
  AnalyticsRateCard: {
    type: 'object',
    required: ['currency', 'prices', 'markets', 'updatedAt'],
    properties: {
      currency: { type: 'string' }, prices: priceMap, markets: { type: 'object', additionalProperties: priceMap },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  AnalyticsError: {
    type: 'object',
    properties: {
      error: {
        type: 'object', required: ['code', 'message'],
        properties: {
          code: { type: 'string', example: 'invalid_request' }, message: { type: 'string', example: 'from must be before to' },
          details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } } } },
        },
      },
    },
  },
};

const op = (operationId: string, summary: string, rest: Record<string, unknown>): Record<string, unknown> => ({
  operationId, summary, tags: [TAG], security: SECURITY, ...rest,
});

export const ANALYTICS_PATHS: Record<string, Record<string, unknown>> = {
  '/v1/analytics/summary': {
    get: op('Analytics_summary', 'Funnel counts, cost and latency percentiles over a range', {
      parameters: range,
      responses: { '200': json(ref('AnalyticsSummary'), 'The summary (DESIGN §12, plus cost.unpriced, samples and range)'), ...errors(400, 401, 403, 429, 502, 504) },
    }),
  },
  '/v1/analytics/timeseries': {
    get: op('Analytics_timeseries', 'One metric per hour or UTC day', {
      parameters: [{ name: 'metric', in: 'query', required: true, schema: { type: 'string', enum: TIMESERIES_METRICS } }, interval, ...range, format],
      responses: {
        '200': jsonOrCsv(ref('AnalyticsTimeseries'), 'The series', 'at,value', 'at,value\r\n2026-03-10T00:00:00.000Z,12\r\n'),
        ...errors(400, 401, 403, 429, 502, 504),
      },
    }),
  },
  '/v1/analytics/latency': {
    get: op('Analytics_latency', 'Latency percentiles per hour or UTC day', {
      parameters: [interval, ...range],
      responses: { '200': json(ref('AnalyticsLatencySeries'), 'The series'), ...errors(400, 401, 403, 429, 502, 504) },
    }),
  },
  '/v1/analytics/errors': {
    get: op('Analytics_errors', "Failed and rejected by class and code, most frequent first, with Meta's title and the platform's action", {
      parameters: [limit, ...range, format],
      responses: {
        '200': jsonOrCsv({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('AnalyticsErrorLine') } } }, 'The top error codes',
          'code,class,count,failed,rejected,title,action', 'code,class,count,failed,rejected,title,action\r\n131026,permanent,5,5,0,Message undeliverable,"fail fast, tell the customer"\r\n'),
        ...errors(400, 401, 403, 429, 502, 504),
      },
    }),
  },
  '/v1/analytics/templates': {
    get: op('Analytics_templates', 'Template sends per name and language, with the categories Meta charged', {
      parameters: [limit, ...range],
      responses: { '200': json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('AnalyticsTemplateLine') } } }, 'Most sent first'), ...errors(400, 401, 403, 429, 502, 504) },
    }),
  },
  '/v1/analytics/cost': {
    get: op('Analytics_cost', 'Cost by category, type, pricing model and market (computed from the current rate card)', {
      parameters: [...range, format],
      responses: {
        '200': jsonOrCsv(ref('AnalyticsCost'), 'The cost and its lines', 'category,type,pricingModel,market,billable,free,unitPrice,amount,currency',
          'category,type,pricingModel,market,billable,free,unitPrice,amount,currency\r\nutility,regular,PMP,49,10,0,0.0456,0.456,EUR\r\n'),
        ...errors(400, 401, 403, 429, 502, 504),
      },
    }),
  },
  '/v1/analytics/campaigns/cost': {
    get: op('Analytics_campaignCost', 'Cost per campaign: each campaign\'s delivered messages priced with the current rate card (ADR 0155; no range: the whole campaign)', {
      parameters: [{ name: 'ids', in: 'query', required: true, description: 'Up to 100 campaign ids, comma-separated', schema: { type: 'string' } }],
      responses: {
        '200': json({
          type: 'object', required: ['data'],
          properties: { data: { type: 'array', items: { allOf: [ref('AnalyticsCostSummary'), { type: 'object', required: ['campaignId', 'billable', 'free'], properties: { campaignId: { type: 'string' }, billable: count, free: count } }] } } },
        }, 'One entry per asked id, in order (zeros for a campaign with no charged message)'),
        ...errors(400, 401, 403, 429, 502, 504),
      },
    }),
  },
  '/v1/analytics/numbers': {
    get: op('Analytics_numbers', "The tenant's numbers: status, messaging tier, Meta's last quality event", {
      responses: { '200': json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('AnalyticsNumber') } } }, 'The numbers'), ...errors(401, 403, 429, 502, 504) },
    }),
  },
  '/v1/analytics/rate-card': {
    get: op('Analytics_getRateCard', "The tenant's rate card", {
      responses: { '200': json(ref('AnalyticsRateCard'), 'The card'), ...errors(401, 403, 404, 429, 502, 504) },
    }),
    put: op('Analytics_putRateCard', 'Set the rate card (replaces it; costs are computed at query time, so it reprices history)', {
      requestBody: { required: true, content: { 'application/json': { schema: ref('AnalyticsRateCardBody') } } },
      responses: { '200': json(ref('AnalyticsRateCard'), 'The card as stored'), ...errors(400, 401, 403, 429, 502, 504) },
    }),
  },
  '/dashboard': {
    get: {
      operationId: 'Analytics_dashboard', tags: [TAG], security: [],
      summary: 'The analytics dashboard page (served by the analytics service)',
      description: 'Public: the page and its script/stylesheet (`/dashboard/dashboard.js`, `/dashboard/dashboard.css`) hold no data; ' +
        'it asks for an API key with `messages:read` and reads `/v1/analytics/*` with it. Query `from`, `to` (YYYY-MM-DD), `phoneNumberId` preselect the view.',
      responses: {
        '200': { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } },
        '502': { description: ERROR_TEXT[502], content: { 'application/json': { schema: ERROR } } },
        '504': { description: ERROR_TEXT[504], content: { 'application/json': { schema: ERROR } } },
      },
    },
  },
};

/** Adds the forwarded analytics routes, the dashboard page and their schemas to the gateway's document. */
export function addAnalyticsPaths(doc: OpenAPIObject): void {
  Object.assign(doc.paths, ANALYTICS_PATHS);
  doc.components ??= {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...(SCHEMAS as NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>) };
}
