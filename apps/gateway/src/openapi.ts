import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { addAnalyticsPaths } from './forwarding/analytics.openapi';
import { addAutomationPaths } from './forwarding/automations.openapi';
import { addCampaignPaths } from './forwarding/campaigns.openapi';
import { addCloudMediaPaths } from './forwarding/cloud-media.openapi';
import { addConversationPaths } from './forwarding/conversations.openapi';
import { addWebhookEndpointPaths } from './forwarding/webhook-endpoints.openapi';

/** The send body of `POST /v1/messages` (the `<type>` object is Meta's, validated per type). */
export const NATIVE_SEND_SCHEMA = {
  type: 'object',
  required: ['phoneNumberId', 'type'],
  properties: {
    phoneNumberId: { type: 'string', pattern: '^\\d{1,32}$', description: 'One of your registered numbers' },
    to: { type: 'string', description: 'E.164 phone number (with or without +); `to` or `recipient` is required' },
    recipient: { type: 'string', description: 'Business-scoped user id (BSUID, `CC.<alnum>`), Meta 2026' },
    type: { type: 'string', enum: ['text', 'image', 'audio', 'video', 'document', 'sticker', 'template', 'interactive', 'location', 'contacts', 'reaction'] },
    text: { type: 'object' }, image: { type: 'object' }, audio: { type: 'object' }, video: { type: 'object' },
    document: { type: 'object' }, sticker: { type: 'object' }, template: { type: 'object' }, interactive: { type: 'object' },
    location: { type: 'object' }, contacts: { type: 'array', items: { type: 'object' } }, reaction: { type: 'object' },
    context: { type: 'object', properties: { message_id: { type: 'string' } } },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    sendAt: { type: 'string', format: 'date-time', description: 'Send then (at most 30 days ahead, not in the past): the message is `scheduled`, listable with `status=scheduled` and cancellable with DELETE /v1/messages/{id} until it is released shortly before its time. A message other than a template scheduled for after the contact\'s 24 h window closes is refused (400 `outside_window_at_send_time`)' },
    campaignId: { type: 'string' },
  },
  example: { phoneNumberId: '106540352242922', to: '+14155550123', type: 'text', text: { body: 'Hello' } },
};

export const ERROR_SCHEMA = {
  type: 'object',
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
};

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Wabridge gateway')
    .setDescription(
      'Public API of the Wabridge WhatsApp Business platform: tenant API (API key or OAuth2 access token as Bearer), ' +
        'Cloud-API-compatible send and media routes, and the operator API under /admin/v1 (ADMIN_TOKEN). ' +
        'Errors: {error:{code,message,details?}} (Meta\'s error shape on the Cloud API routes).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key wbk_live_…, or an OAuth2 access token from POST /oauth/token (client credentials)' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'admin')
    .build();
  const doc = SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  addWebhookEndpointPaths(doc);
  addCloudMediaPaths(doc);
  addConversationPaths(doc);
  addAutomationPaths(doc);
  addCampaignPaths(doc);
  addAnalyticsPaths(doc);
  // Stable order, so the checked-in copy diffs cleanly.
  doc.paths = Object.fromEntries(Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b)));
  return doc;
}

const UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const UI_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Wabridge gateway API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

/**
 * Serves the document at /docs-json (and /docs-yaml) and the Swagger UI at /docs. The UI's
 * files come straight from swagger-ui-dist: Nest's own UI serving needs @fastify/static, whose
 * version for platform-fastify 11.2 is ESM-only and cannot load under Jest.
 */
export function setupOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const doc = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, doc, { ui: false, jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  // The package's folder, not its index: that `require`s the 1.8 MB browser bundle, which then
  // sat in the heap (source and objects) of a process that only ever serves it as a file (ADR 0146).
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/docs', (_req, reply) => void reply.type('text/html; charset=utf-8').send(UI_HTML));
  fastify.get<{ Params: { file: string } }>('/docs/:file', async (req, reply) => {
    const type = UI_ASSETS[req.params.file];
    if (!type) return reply.status(404).send({ error: { code: 'not_found', message: 'not found' } });
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(await readFile(join(dist, req.params.file)));
  });
  return doc;
}
