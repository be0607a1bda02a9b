/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP answers of any shape */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, Browser, Page } from 'playwright-core';
import { loadConfig } from '@wabridge/config';
import { ACCOUNT_EVENT_V1, AccountEventV1, STATUS_UPDATED_V1 } from '@wabridge/contracts';
import { freshTestSchema, TestSchema } from '@wabridge/database';
import { REPO_ROOT, waitFor } from '@wabridge/testing';
import { createCampaignsApp } from '../../campaigns/src/app.factory';
import { CampaignsEnv } from '../../campaigns/src/campaigns.env';
import { Harness, INTERNAL_TOKEN, seedTenant, startGateway, TEST_DATABASE_URL, TenantFixture } from '../../gateway/src/testing/gateway-harness';
import { AnalyticsHarness } from '../src/testing/analytics-harness';
import { EXPECTED, RATE_CARD, scriptedRun } from '../src/testing/scripted-run';

const HOUR = new Date('2026-03-10T10:00:00.000Z');
const RANGE = 'from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z';
const ARTIFACTS = join(REPO_ROOT, '.local', 'artifacts');

/**
 * Debian's chromium, installed once per machine by scripts/chromium/ensure.sh (ADR 0125). A
 * machine where it cannot be installed fails here, naming why: the test is never skipped.
 */
function chromiumPath(): string {
  const res = spawnSync('bash', [join(REPO_ROOT, 'scripts/chromium/ensure.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (res.status !== 0) throw new Error(`headless Chromium is not available: ${res.stderr.trim() || res.error?.message || `exit ${res.status}`}`);
  return res.stdout.trim().split('\n').pop()!;
}

describe('analytics dashboard page in headless Chromium (through the gateway, real Kafka and Postgres)', () => {
  const h = new AnalyticsHarness();
  let gw: Harness;
  let fx: TenantFixture;
  let browser: Browser;
  // the campaigns service on the same topics, for the campaigns card (ADR 0155)
  let campaigns: NestFastifyApplication;
  let campaignsSchema: TestSchema;
  let campaignId: string;

  beforeAll(async () => {
    const executablePath = chromiumPath();
    await h.start();
    campaignsSchema = await freshTestSchema('dashcamp', { url: TEST_DATABASE_URL });
    campaigns = await createCampaignsApp(loadConfig(CampaignsEnv, {
      INTERNAL_TOKEN, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: campaignsSchema.schema, TOPIC_SUFFIX: h.suffix, KAFKA_PARTITIONS: '1', PORT: '0',
      LOG_LEVEL: 'error', CAMPAIGNS_CONSUMER_GROUP: `campaigns-${h.suffix}`, ANALYTICS_URL: h.url, CAMPAIGNS_TICK_MS: '100',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    }), { consumer: { handlerRetryBaseMs: 50 } });
    await campaigns.listen(0, '127.0.0.1');
    // the gateway on the analytics harness's topics: its number registrations reach analytics
    gw = await startGateway({ ANALYTICS_URL: h.url, TOPIC_SUFFIX: h.suffix, CAMPAIGNS_URL: (await campaigns.getUrl()).replace('[::1]', '127.0.0.1') });
    fx = await seedTenant(gw);
    expect((await h.http('PUT', '/v1/analytics/rate-card', { tenant: fx.tenantId, body: RATE_CARD })).status).toBe(200);
    const quality: AccountEventV1 = {
      eventId: `${h.suffix}-quality`, field: 'phone_number_quality_update', kind: 'phone-quality', event: 'FLAGGED', wabaId: fx.wabaId, appId: fx.appId,
      occurredAt: HOUR.toISOString(), receivedAt: HOUR.toISOString(), value: { display_phone_number: '15550100', event: 'FLAGGED', current_limit: 'TIER_10K' },
    };
    // the number must be known before its quality event can be attributed
    await waitFor(async () => (await h.pg.query('SELECT 1 FROM numbers WHERE phone_number_id = $1', [fx.phoneNumberId])).rowCount === 1,
      { timeoutMs: 60000, what: 'the registered number reached analytics' });
    await h.publish([...scriptedRun(fx.tenantId, fx.phoneNumberId, HOUR, h.suffix).events, { topic: ACCOUNT_EVENT_V1.topic, key: fx.wabaId, value: quality }]);
    await waitFor(async () => {
      const s = (await h.http('GET', `/v1/analytics/summary?${RANGE}`, { tenant: fx.tenantId })).body;
      const n = (await h.http('GET', '/v1/analytics/numbers', { tenant: fx.tenantId })).body;
      return s.accepted === EXPECTED.accepted && s.read === EXPECTED.read && s.rejected === EXPECTED.rejected && s.cost.total === EXPECTED.cost.total
        && s.latencyMs.deliveredToRead.samples === EXPECTED.read && n.data[0]?.quality?.event === 'FLAGGED'
        && String(n.data[0]?.tier) === '10000'; // the gateway applied Meta's limit and republished the number
    }, { timeoutMs: 60000, what: 'the scripted run folded' });
    // a campaign to two German numbers, both delivered (marketing, 0.10 EUR each on the card)
    const created = await waitFor(async () => {
      const r = await gw.api(fx.key, 'POST', '/v1/campaigns', { name: 'spring sale', phoneNumberId: fx.phoneNumberId, template: { name: 'spring', language: { code: 'en' } }, audience: { waIds: ['4915112345001', '4915112345002'] } });
      return r.status === 201 ? r.body : undefined; // 404 until the campaigns service knows the number
    }, { timeoutMs: 30000, what: 'the campaign created' });
    campaignId = created.id;
    expect((await gw.api(fx.key, 'POST', `/v1/campaigns/${campaignId}/start`)).status).toBe(200);
    const queued = await waitFor(async () => {
      const r = (await gw.api(fx.key, 'GET', `/v1/campaigns/${campaignId}/recipients`)).body.data;
      return r?.length === 2 && r.every((x: any) => x.status === 'queued') ? r : undefined;
    }, { timeoutMs: 30000, what: 'the campaign\'s sends' });
    const at = new Date().toISOString();
    await h.publish(queued.flatMap((r: any) => {
      const base = { wamid: `wamid.${r.messageId}`, phoneNumberId: fx.phoneNumberId, wabaId: fx.wabaId, appId: fx.appId, tenantId: fx.tenantId, bizOpaqueCallbackData: r.messageId, recipientId: r.recipient, occurredAt: at, receivedAt: at, raw: {} };
      return [{ status: 'sent', pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } }, { status: 'delivered' }]
        .map((s) => ({ topic: STATUS_UPDATED_V1.topic, key: `${fx.phoneNumberId}:${r.recipient}`, value: { ...base, ...s } }));
    }));
    await waitFor(async () => (await gw.api(fx.key, 'GET', `/v1/campaigns/${campaignId}`)).body.cost?.billable === 2, { timeoutMs: 30000, what: 'the campaign priced' });
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await campaigns?.close();
    await campaignsSchema?.drop();
    await h.stop();
  });

  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    return { page, problems };
  }

  const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

  it('signs in with an API key and shows the scripted funnel, cost, latency, errors and the number\'s tier and quality, without console errors', async () => {
    const { page, problems } = await openPage();
    const res = await page.goto(`${gw.url}/dashboard?from=2026-03-10&to=2026-03-10`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('#api-key').fill(fx.key);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 30000 });

    for (const metric of ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected'] as const) {
      expect(Number(await text(page, `funnel-${metric}`))).toBe(EXPECTED[metric]);
    }
    expect(Number(await text(page, 'inbound'))).toBe(EXPECTED.inbound);
    expect(await text(page, 'cost-total')).toBe('5.55 EUR');
    expect(await text(page, 'cost-marketing')).toBe('3.55 EUR');
    expect(await text(page, 'cost-authentication_international')).toBe('2.00 EUR');
    expect(await text(page, 'cost-utility')).toBe('0.00 EUR');
    const latency = await page.getByTestId('latency-sentToDelivered').locator('td').allTextContents();
    expect(latency).toEqual(['Sent → delivered', '2.0 s', '10.0 s', '10.0 s', '90']);
    expect(await page.getByTestId('latency-acceptedToSent').locator('td').allTextContents()).toEqual(['Accepted → sent', '200 ms', '1.0 s', '1.0 s', '95']);
    // one chart per step, with a p50 and a p95 line through the hour that has samples
    expect(await page.locator('#latency-charts svg path.p50').count()).toBe(3);
    const error = await page.getByTestId('error-131008').locator('td').allTextContents();
    expect(error).toEqual(['131008', 'permanent', '3', '0', 'Required parameter is missing', 'fail fast, tell the customer']);
    expect(await page.getByTestId('error-compliance').locator('td').nth(3).textContent()).toBe('3');
    const number = await page.getByTestId(`number-${fx.phoneNumberId}`).locator('td').allTextContents();
    // The gateway applies Meta's reported limit to the number (ADR 0163): configured 250, now 10000.
    expect(number).toEqual(['+15550100', fx.phoneNumberId, 'active', '10000', 'FLAGGED', 'TIER_10K', '2026-03-10 10:00']);
    // the campaigns card: counts (no dispatcher here: both planned, still queued) and cost from analytics
    expect(await page.getByTestId(`campaign-${campaignId}`).locator('td').allTextContents())
      .toEqual(['spring sale', 'completed', '2', '2', '0', '0', '0', '0', '0', '0.20 EUR']);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows nothing for a day without traffic, and picks a range with the date picker', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${gw.url}/dashboard?from=2026-03-09&to=2026-03-09`);
    await page.locator('#api-key').fill(fx.key);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 30000 });
    expect(await text(page, 'funnel-accepted')).toBe('0');
    await page.locator('#to').fill('2026-03-10');
    await page.locator('#range-form button[type=submit]').click();
    await waitFor(async () => (await text(page, 'funnel-accepted')) === String(EXPECTED.accepted), { timeoutMs: 30000, what: 'the wider range shown' });
    expect(new URL(page.url()).searchParams.get('to')).toBe('2026-03-10');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses a wrong key: back to the sign-in form with the gateway\'s message, no data shown', async () => {
    const { page } = await openPage();
    await page.goto(`${gw.url}/dashboard`);
    await page.locator('#api-key').fill('wbk_not-a-real-key');
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('body[data-state="login"] #login-error:not(:empty)').waitFor({ timeout: 30000 });
    expect(await page.locator('#login-error').textContent()).toMatch(/^The key was refused: /);
    expect(await page.locator('#board').isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });
});
