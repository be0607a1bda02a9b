import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, startGateway } from './testing/gateway-harness';

const CHECKED_IN = join(__dirname, '..', 'openapi.json');

/**
 * apps/gateway/openapi.json is the document the running app serves at /docs-json. Regenerate
 * with `UPDATE_OPENAPI=1 npx jest --selectProjects integration --testPathPatterns apps/gateway/src/openapi`.
 */
describe('OpenAPI document', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startGateway();
  });
  afterAll(() => h?.close());

  it('serves the UI at /docs and a document equal to the checked-in openapi.json', async () => {
    const ui = await fetch(`${h.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    expect((await fetch(`${h.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    const served = await (await fetch(`${h.url}/docs-json`)).json();
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(CHECKED_IN, JSON.stringify(served, null, 2) + '\n');
    const checkedIn = JSON.parse(readFileSync(CHECKED_IN, 'utf8'));
    expect(served).toEqual(checkedIn);
  });

  it('documents every public route', async () => {
    const doc = (await (await fetch(`${h.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes).toEqual(expect.arrayContaining([
      'POST /admin/v1/tenants', 'POST /admin/v1/tenants/{tenantId}/api-keys', 'DELETE /admin/v1/api-keys/{id}', 'POST /admin/v1/apps',
      'POST /admin/v1/tenants/{tenantId}/phone-numbers', 'PATCH /admin/v1/tenants/{tenantId}/phone-numbers/{phoneNumberId}',
      'POST /v1/messages', 'GET /v1/messages', 'GET /v1/messages/{id}', 'POST /v1/messages/{wamid}/read',
      'POST /{version}/{phoneNumberId}/messages', 'GET /v1/templates', 'POST /v1/templates', 'DELETE /v1/templates/{id}',
      'POST /v1/webhook-endpoints', 'GET /v1/webhook-endpoints', 'GET /v1/webhook-endpoints/{id}', 'PATCH /v1/webhook-endpoints/{id}',
      'DELETE /v1/webhook-endpoints/{id}', 'POST /v1/webhook-endpoints/{id}/replay', 'GET /v1/webhook-endpoints/{id}/deliveries',
      'POST /v1/webhook-endpoints/{id}/test', 'POST /v1/webhook-endpoints/{id}/rotate-secret',
      'POST /{version}/{phoneNumberId}/media', 'GET /{version}/{mediaId}', 'DELETE /{version}/{mediaId}', 'GET /v1/request-logs',
      'GET /v1/analytics/summary', 'GET /v1/analytics/timeseries', 'GET /v1/analytics/latency', 'GET /v1/analytics/errors',
      'GET /v1/analytics/templates', 'GET /v1/analytics/cost', 'GET /v1/analytics/numbers', 'GET /v1/analytics/rate-card',
      'PUT /v1/analytics/rate-card', 'GET /dashboard', 'DELETE /v1/messages/{id}',
      'POST /v1/campaigns', 'GET /v1/campaigns', 'GET /v1/campaigns/{id}', 'GET /v1/campaigns/{id}/recipients', 'POST /v1/campaigns/{id}/start',
      'POST /v1/campaigns/{id}/pause', 'POST /v1/campaigns/{id}/resume', 'POST /v1/campaigns/{id}/cancel',
      'POST /v1/campaigns/segments', 'GET /v1/campaigns/segments', 'GET /v1/campaigns/segments/{segmentId}', 'DELETE /v1/campaigns/segments/{segmentId}',
    ]));
    // one route per operation with its shapes, not the catch-all's eight bare methods
    expect(Object.keys(doc.paths['/v1/webhook-endpoints'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(doc.paths).not.toHaveProperty('/v1/webhook-endpoints/{path}');
    expect(doc.paths).not.toHaveProperty('/v1/analytics/{path}');
    expect(doc.paths).not.toHaveProperty('/v1/analytics');
  });

  it('documents the analytics API with its parameters, CSV alternatives and errors (shapes checked against the service in test/e2e/analytics)', async () => {
    const doc = (await (await fetch(`${h.url}/docs-json`)).json()) as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
    const ts = doc.paths['/v1/analytics/timeseries']!.get;
    expect(ts.security).toEqual([{ apiKey: [] }]);
    expect(ts.responses['403'].description).toContain('messages:read');
    expect(ts.parameters.find((p: any) => p.name === 'metric')).toMatchObject({ in: 'query', required: true, schema: { enum: ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected', 'inbound', 'cost'] } });
    expect(ts.parameters.find((p: any) => p.name === 'interval').schema).toEqual({ type: 'string', enum: ['hour', 'day'], default: 'hour' });
    for (const path of ['/v1/analytics/timeseries', '/v1/analytics/errors', '/v1/analytics/cost']) {
      expect(Object.keys(doc.paths[path]!.get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    }
    expect(Object.keys(doc.paths['/v1/analytics/summary']!.get.responses['200'].content)).toEqual(['application/json']);
    expect(doc.paths['/v1/analytics/summary']!.get.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AnalyticsError' });
    // DESIGN §12's summary fields
    expect(doc.components.schemas.AnalyticsSummary.required).toEqual(expect.arrayContaining(['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected', 'inbound', 'cost', 'latencyMs']));
    expect(doc.paths['/v1/analytics/rate-card']!.put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AnalyticsRateCardBody' });
    expect(doc.paths['/dashboard']!.get.security).toEqual([]);
  });
});
