import { signWebhookBody } from '@wabridge/meta';
import { ACCOUNT_EVENT_V1, INBOUND_MESSAGE_V1, InboundMessageV1, STATUS_UPDATED_V1, StatusUpdatedV1, WEBHOOK_RECEIVED_V1 } from '@wabridge/contracts';
import { fixtureFiles, postSignedWebhook, TopicCollector, uniqueFixture, waitFor } from '@wabridge/testing';
import { APP_ID, APP_SECRET, IngressHarness, startIngress, VERIFY_TOKEN } from '../testing/ingress-harness';

function shuffle<T>(items: T[], seed = 7): T[] {
  const a = [...items];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('ingress webhook endpoint (real Kafka + Postgres)', () => {
  let h: IngressHarness;
  let received: TopicCollector;
  const webhookUrl = () => `${h.url}/webhooks/meta/${APP_ID}`;

  beforeAll(async () => {
    h = await startIngress();
    received = await TopicCollector.start(WEBHOOK_RECEIVED_V1, h.suffix);
  });
  afterAll(async () => {
    await received?.stop();
    await h?.close();
  });

  it('answers the verify handshake with the challenge only for the right token', async () => {
    const ok = await fetch(`${webhookUrl()}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${webhookUrl()}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const unknown = await fetch(`${h.url}/webhooks/meta/other-app?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`);
    expect(unknown.status).toBe(404);
  });

  it('answers 401 and produces nothing when the signature is wrong or missing, 404 for an unknown app', async () => {
    const before = received.messages.length;
    const raw = uniqueFixture('message-text--pywa-1.json', 'sig').raw;
    expect((await postSignedWebhook(webhookUrl(), raw, 'wrong-secret')).status).toBe(401);
    expect((await postSignedWebhook(webhookUrl(), raw, null)).status).toBe(401);
    expect((await postSignedWebhook(webhookUrl(), raw, APP_SECRET, { 'x-hub-signature-256': 'sha256=zz' })).status).toBe(401);
    expect((await postSignedWebhook(`${h.url}/webhooks/meta/other-app`, raw, APP_SECRET)).status).toBe(404);
    await received.settle(1000);
    expect(received.messages.length).toBe(before);
  });

  it('answers 413 above 3 MB and 400 for a validly signed non-JSON body, producing nothing', async () => {
    const before = received.messages.length;
    const big = Buffer.alloc(3 * 1024 * 1024 + 10, 0x20);
    const tooBig = await postSignedWebhook(webhookUrl(), big, APP_SECRET);
    expect(tooBig.status).toBe(413);
    const notJson = await postSignedWebhook(webhookUrl(), Buffer.from('hello=world'), APP_SECRET, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not JSON/);
    await received.settle(500);
    expect(received.messages.length).toBe(before);
  });

  it('accepts escaped unicode signed over the raw bytes and rejects the same JSON re-serialized after signing', async () => {
    const raw = Buffer.from(
      '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",' +
        '"metadata":{"display_phone_number":"1555","phone_number_id":"123"},"contacts":[{"profile":{"name":"Ren\\u00e9e"},"wa_id":"4915"}],' +
        '"messages":[{"from":"4915","id":"wamid.unicode-' + h.suffix + '","timestamp":"1700000000","type":"text","text":{"body":"caf\\u00e9 \\ud83d\\ude00"}}]}}]}]}',
      'utf8',
    );
    const signature = signWebhookBody(raw, APP_SECRET);
    const good = await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: raw });
    expect(good.status).toBe(200);
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))), 'utf8');
    expect(reserialized.equals(raw)).toBe(false);
    const bad = await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: reserialized });
    expect(bad.status).toBe(401);
    const inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, h.suffix);
    try {
      const event = await waitFor(() => inbound.values().find((m) => m.wamid === `wamid.unicode-${h.suffix}`), { what: 'the unicode message' });
      expect(event).toMatchObject({ profileName: 'Renée', waId: '4915', raw: { text: { body: 'café 😀' } } });
    } finally {
      await inbound.stop();
    }
  });

  it('turns every fixture, posted twice in shuffled order, into exactly the messages and statuses INDEX.json lists, each once', async () => {
    const inbound = await TopicCollector.start<InboundMessageV1>(INBOUND_MESSAGE_V1, h.suffix);
    const statuses = await TopicCollector.start<StatusUpdatedV1>(STATUS_UPDATED_V1, h.suffix);
    const account = await TopicCollector.start(ACCOUNT_EVENT_V1, h.suffix);
    try {
      const fixtures = fixtureFiles().map((f, i) => uniqueFixture(f, `${h.suffix}-${i}`));
      const posts = shuffle([...fixtures, ...fixtures]);
      for (const f of posts) {
        const res = await postSignedWebhook(webhookUrl(), f.raw, APP_SECRET);
        expect({ file: f.file, status: res.status }).toEqual({ file: f.file, status: 200 });
      }
      const expectedMessages = fixtures.flatMap((f) => f.messageIds);
      const expectedStatuses = fixtures.flatMap((f) => f.statusIds);
      // The corpus reuses ids across files only as placeholders; uniqueFixture made them unique per file.
      expect(new Set(expectedMessages).size).toBe(expectedMessages.length);
      await inbound.waitForCount(expectedMessages.length, 60000);
      await statuses.waitForCount(expectedStatuses.length, 60000);
      await inbound.settle(2000);
      const fromFixtures = (id: string) => !id.startsWith('wamid.unicode-');
      expect(inbound.values().map((m) => m.wamid).filter(fromFixtures).sort()).toEqual([...expectedMessages].sort());
      expect(statuses.values().map((s) => s.wamid).sort()).toEqual([...expectedStatuses].sort());
      // Every non-message change (templates, quality, account, calls, preferences) became an account event.
      const nonMessageFiles = fixtures.filter((f) => f.entry.field.split(',').some((field) => field !== 'messages'));
      expect(account.messages.length).toBeGreaterThanOrEqual(nonMessageFiles.length);
      // Per INDEX: the number of message/status items per file matches what was produced for it.
      for (const f of fixtures) {
        const mine = inbound.values().filter((m) => f.messageIds.includes(m.wamid));
        expect({ file: f.file, n: mine.length }).toEqual({ file: f.file, n: new Set(f.messageIds).size });
      }
      const bsuid = inbound.values().find((m) => m.userId === 'US.13491208655302741918' && !m.waId);
      expect(bsuid).toMatchObject({ type: 'text', username: '@realsheenanelson', profileName: 'Sheena Nelson' });
    } finally {
      await Promise.all([inbound.stop(), statuses.stop(), account.stop()]);
    }
  }, 180000);
});
