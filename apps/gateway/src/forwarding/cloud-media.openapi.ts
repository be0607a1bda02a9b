import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The Cloud-API-compatible media routes (ADR 0105), written out: their router constraints
 * (regex params) would otherwise show in the generated paths. Shapes are Meta's (v23.0 spec,
 * `uploadImage`, `retrieveMediaUrl`, `deleteMedia`); errors are Meta's envelope.
 */
const TAG = 'cloud-api';
const SECURITY = [{ apiKey: [] }];
const ERROR_TEXT: Record<number, string> = {
  400: "Meta's error: code 100 subcode 33 for an unknown media id or number (also another tenant's, or not the `phone_number_id` given), " +
    '131053 "Media upload error" for a file WhatsApp does not accept (type read from the bytes, or over the type\'s size limit), 100 for other bad input',
  401: 'code 190: missing or invalid API key',
  403: 'code 10: the key lacks the `media` scope',
  408: 'the upload did not arrive within FORWARD_IMPORT_TIMEOUT_MS (our error shape; the connection is closed)',
  429: 'code 4: rate limit of the key',
  502: 'code 2: the media service is unavailable',
  504: 'code 2: the media service did not answer in time',
};
const errors = (...codes: number[]): Record<string, unknown> =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/CloudApiError' } } } }]));
const json = (schema: unknown, description: string): Record<string, unknown> => ({ description, content: { 'application/json': { schema } } });

const version = { name: 'version', in: 'path', required: true, schema: { type: 'string', pattern: '^v\\d+\\.\\d+$', example: 'v23.0' } };
const mediaId = {
  name: 'mediaId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' },
  description: 'Our media id (as returned by the upload or `POST /v1/media`)',
};
const phoneNumberQuery = {
  name: 'phone_number_id', in: 'query', required: false, schema: { type: 'string' },
  description: 'Only if the media belongs to this number (else the unknown-object error)',
};

const SCHEMAS: Record<string, unknown> = {
  CloudMediaUpload: {
    type: 'object',
    required: ['messaging_product', 'file'],
    properties: {
      messaging_product: { type: 'string', enum: ['whatsapp'] },
      type: { type: 'string', description: "The file's MIME type (informative: the type is read from the bytes)", example: 'image/jpeg' },
      file: { type: 'string', format: 'binary', description: "Image (JPEG/PNG ≤ 5 MB), sticker (WebP), audio/video (≤ 16 MB) or document (≤ 100 MB), as Meta's list" },
    },
  },
  CloudMedia: {
    type: 'object',
    required: ['messaging_product', 'url', 'mime_type', 'sha256', 'file_size', 'id'],
    properties: {
      messaging_product: { type: 'string', enum: ['whatsapp'] },
      url: { type: 'string', format: 'uri', description: 'Download URL on this gateway (`/v1/media/{id}/content`); send the same Bearer API key, Range supported (ADR 0106)' },
      mime_type: { type: 'string' },
      sha256: { type: 'string', description: 'Hex SHA-256 of the bytes' },
      file_size: { type: 'string', description: 'Bytes, as a string (as Meta)' },
      id: { type: 'string' },
    },
    example: { messaging_product: 'whatsapp', url: 'https://api.example.com/v1/media/01JF3Q8ZK4M6V9T2B7N5C1X0YR/content', mime_type: 'image/jpeg', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', file_size: '303833', id: '01JF3Q8ZK4M6V9T2B7N5C1X0YR' },
  },
  CloudApiError: {
    type: 'object',
    description: "Meta's Graph error envelope",
    properties: {
      error: {
        type: 'object',
        required: ['message', 'type', 'code', 'fbtrace_id'],
        properties: {
          message: { type: 'string' }, type: { type: 'string' }, code: { type: 'integer' }, error_subcode: { type: 'integer' },
          error_data: { type: 'object', properties: { messaging_product: { type: 'string' }, details: { type: 'string' } } },
          fbtrace_id: { type: 'string' },
        },
      },
    },
  },
};

export const CLOUD_MEDIA_PATHS: Record<string, Record<string, unknown>> = {
  '/{version}/{phoneNumberId}/media': {
    post: {
      operationId: 'CloudMedia_upload', summary: "Upload media as with Meta's Cloud API (streamed to the media service); the id goes into `image.id` etc. of a send",
      tags: [TAG], security: SECURITY,
      parameters: [version, { name: 'phoneNumberId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,32}$' }, description: 'One of your registered numbers' }],
      requestBody: { required: true, content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/CloudMediaUpload' } } } },
      responses: {
        '200': json({ type: 'object', required: ['id'], properties: { id: { type: 'string' } }, example: { id: '01JF3Q8ZK4M6V9T2B7N5C1X0YR' } }, 'the media id'),
        ...errors(400, 401, 403, 408, 429, 502, 504),
      },
    },
  },
  '/{version}/{mediaId}': {
    get: {
      operationId: 'CloudMedia_retrieve', summary: "The media's download URL, type, hash and size (Meta's shape)",
      tags: [TAG], security: SECURITY, parameters: [version, mediaId, phoneNumberQuery],
      responses: { '200': json({ $ref: '#/components/schemas/CloudMedia' }, 'the media'), ...errors(400, 401, 403, 429, 502, 504) },
    },
    delete: {
      operationId: 'CloudMedia_delete', summary: 'Delete the media (its bytes and id)',
      tags: [TAG], security: SECURITY, parameters: [version, mediaId, phoneNumberQuery],
      responses: {
        '200': json({ type: 'object', properties: { success: { type: 'boolean' } }, example: { success: true } }, 'deleted'),
        ...errors(400, 401, 403, 429, 502, 504),
      },
    },
  },
};

/** Adds the Cloud API media routes and their schemas to the gateway's document. */
export function addCloudMediaPaths(doc: OpenAPIObject): void {
  Object.assign(doc.paths, CLOUD_MEDIA_PATHS);
  doc.components ??= {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...(SCHEMAS as NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>) };
}
