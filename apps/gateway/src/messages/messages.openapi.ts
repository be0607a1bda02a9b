import { OUTBOUND_EVENT_KINDS } from '@wabridge/contracts';

/**
 * Shapes of the native messages API's answers for the OpenAPI document (DESIGN §12), so the
 * typed client (@wabridge/client, ADR 0142) knows them. Mirrors `MessageView`.
 */

/** Every status a message of `GET /v1/messages` can have (the public lifecycle, ADR 0035/0150). */
export const LISTED_MESSAGE_STATUSES = ['scheduled', 'cancelled', ...OUTBOUND_EVENT_KINDS] as const;

const ERROR = {
  type: 'object',
  required: ['class', 'message'],
  properties: { class: { type: 'string', description: 'Error class (throttled, transient, auth, permanent, template, quality, compliance, unknown)' }, code: { type: 'integer', description: "Meta's error code" }, message: { type: 'string' } },
};

export const MESSAGE_SCHEMA = {
  type: 'object',
  required: ['id', 'phoneNumberId', 'type', 'status', 'createdAt', 'updatedAt', 'history'],
  properties: {
    id: { type: 'string', description: 'Our message id (ULID); `messageId` in webhooks' },
    phoneNumberId: { type: 'string' },
    to: { type: 'string', description: 'E.164 digits, when sent to a phone number' },
    recipient: { type: 'string', description: 'Business-scoped user id, when sent to one' },
    type: { type: 'string' },
    status: { type: 'string', enum: [...LISTED_MESSAGE_STATUSES] },
    wamid: { type: 'string', description: "Meta's message id, once sent" },
    error: ERROR,
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    sendAt: { type: 'string', format: 'date-time', description: 'Scheduled sends: when it goes out' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    history: {
      type: 'array',
      items: { type: 'object', required: ['status', 'at'], properties: { status: { type: 'string', enum: [...LISTED_MESSAGE_STATUSES] }, at: { type: 'string', format: 'date-time' }, error: ERROR } },
    },
  },
};

export const MESSAGE_PAGE_SCHEMA = {
  type: 'object',
  required: ['data', 'nextCursor'],
  properties: {
    data: { type: 'array', items: MESSAGE_SCHEMA, description: 'Newest first' },
    nextCursor: { type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last' },
  },
};
