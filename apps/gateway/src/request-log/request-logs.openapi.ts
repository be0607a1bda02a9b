/** OpenAPI schemas of the request log (ADR 0180). */
const BODY = { description: 'The JSON body with tokens and secrets replaced by "[redacted]"; above REQUEST_LOG_BODY_MAX_BYTES `{truncated: true, bytes, head}`.' };

export const REQUEST_LOG_SCHEMA = {
  type: 'object',
  required: ['id', 'at', 'method', 'path', 'status', 'latencyMs'],
  properties: {
    id: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    method: { type: 'string' },
    path: { type: 'string', description: 'The path with its query string (secrets in it redacted)' },
    status: { type: 'integer' },
    latencyMs: { type: 'integer' },
    idempotencyKey: { type: 'string' },
    errorCode: { type: 'string', description: 'error.code of the answer (ours, or the Cloud API\'s number as text)' },
    requestBody: BODY,
    responseBody: BODY,
  },
};

export const REQUEST_LOG_PAGE_SCHEMA = {
  type: 'object',
  required: ['data', 'nextCursor'],
  properties: {
    data: { type: 'array', items: REQUEST_LOG_SCHEMA },
    nextCursor: { type: 'string', nullable: true },
  },
};
