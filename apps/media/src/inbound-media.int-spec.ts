import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import {
  INBOUND_MESSAGE_V1, inboundMediaIdOf, InboundMessageV1, MEDIA_FAILED_V1, MEDIA_STORED_V1, MediaFailedV1, MediaStoredV1,
} from '@wabridge/contracts';
import { metricsRegistry } from '@wabridge/telemetry';
import { freePort, TopicCollector, waitFor } from '@wabridge/testing';
import { MediaHarness, startSandbox } from './testing/media-harness';

const PN = '106540352243001';
/** A number whose Graph does not answer (connection refused): every fetch fails transiently. */
const PN_DOWN = '106540352243002';
const WABA = 'waba-inbound';
const TOKEN = 'sandbox-inbound-token';
const A = 'tenant-inbound-a';
const B = 'tenant-inbound-b';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Webhook bodies, read as Meta writes them. */
type Json = Record<string, any>;
/** wa.inbound.message.v1 with Meta's message object readable in the test. */
type Inbound = InboundMessageV1 & { raw: Json };

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

describe('inbound media (real Postgres, Kafka, sandbox as Meta)', () => {
  const h = new MediaHarness();
  const webhooks: Json[] = [];
  let sandbox: { url: string; close(): Promise<void> };
  let stored: TopicCollector<MediaStoredV1>;
  let failed: TopicCollector<MediaFailedV1>;

  beforeAll(async () => {
    sandbox = await startSandbox([{ phoneNumberId: PN, wabaId: WABA, accessToken: TOKEN }], { onWebhook: (body: Json) => webhooks.push(body) });
    await h.start({
      MEDIA_INBOUND_RETRY_BASE_MS: '20', MEDIA_INBOUND_RETRIEVE_TIMEOUT_MS: '5000', MEDIA_INBOUND_DOWNLOAD_TIMEOUT_MS: '10000',
      // one durable round after the consumer's, long enough apart to observe the pending state
      MEDIA_INBOUND_MAX_ROUNDS: '2', MEDIA_INBOUND_ROUND_BACKOFF_MS: '1500', MEDIA_INBOUND_ROUND_BACKOFF_MAX_MS: '1500', MEDIA_INBOUND_SWEEP_MS: '200',
    });
    await h.announceNumber({ phoneNumberId: PN, tenantId: A, graphBaseUrl: sandbox.url, accessToken: TOKEN });
    await h.announceNumber({ phoneNumberId: PN_DOWN, tenantId: A, graphBaseUrl: `http://127.0.0.1:${await freePort()}`, accessToken: TOKEN });
    stored = await TopicCollector.start<MediaStoredV1>(MEDIA_STORED_V1, h.suffix);
    failed = await TopicCollector.start<MediaFailedV1>(MEDIA_FAILED_V1, h.suffix);
  }, 90000);

  afterAll(async () => {
    await stored?.stop();
    await failed?.stop();
    await h.stop();
    await sandbox?.close();
  });

  /** A user sends `type` to the sandbox number; the webhook Meta (the sandbox) sent, as the normalizer turns it into wa.inbound.message.v1. */
  async function userSends(type: 'image' | 'document', from = '15550009001'): Promise<Inbound> {
    const sent = await fetch(`${sandbox.url}/_sandbox/inbound`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumberId: PN, from, message: { type, ...(type === 'document' ? { document: { filename: 'invoice.pdf' } } : {}) } }),
    });
    expect(sent.status).toBe(202);
    const { wamid } = (await sent.json()) as { wamid: string };
    const value = await waitFor(
      () => webhooks.map((w) => w.entry?.[0]?.changes?.[0]?.value).find((v: Json | undefined) => v?.messages?.[0]?.id === wamid) as Json | undefined,
      { timeoutMs: 30000, what: `the sandbox's webhook for ${wamid}` },
    );
    const message = value.messages[0] as Json;
    return {
      wamid, type, phoneNumberId: PN, displayPhoneNumber: value.metadata.display_phone_number, wabaId: WABA, appId: 'app-1', tenantId: A,
      waId: message.from, userId: message.from_user_id, occurredAt: new Date(Number(message.timestamp) * 1000).toISOString(), receivedAt: new Date().toISOString(),
      raw: message, contact: value.contacts?.[0],
    };
  }

  /** As the normalizer does; retried while the shared broker answers "not the leader" for a fresh topic (a copy too many is what the service dedupes). */
  async function publish(e: InboundMessageV1): Promise<void> {
    await waitFor(async () => {
      await h.producer.send({ topic: INBOUND_MESSAGE_V1.topic, key: `${e.phoneNumberId}:${e.waId ?? e.userId}`, value: e });
      return true;
    }, { timeoutMs: 30000, intervalMs: 200, what: `publishing ${e.wamid}` });
  }

  /** What the sandbox serves for a media id (a fresh URL, downloaded with the token). */
  async function metaBytes(metaMediaId: string): Promise<Buffer> {
    const info = (await (await fetch(`${sandbox.url}/v23.0/${metaMediaId}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { url: string };
    return Buffer.from(await (await fetch(info.url, { headers: { authorization: `Bearer ${TOKEN}` } })).arrayBuffer());
  }

  const storedEvent = (mediaId: string): Promise<MediaStoredV1> =>
    waitFor(() => stored.values().find((v) => v.mediaId === mediaId), { timeoutMs: 30000, what: `wa.media.stored.v1 for ${mediaId}` });

  it('stores an inbound image under the id the notifier announces, with the bytes and sha256 Meta served, and lists it', async () => {
    const e = await userSends('image');
    const id = inboundMediaIdOf(e, A)!;
    await publish(e);

    const event = await storedEvent(id);
    const bytes = await metaBytes(e.raw.image.id);
    expect(event).toMatchObject({ tenantId: A, phoneNumberId: PN, direction: 'inbound', wamid: e.wamid, metaMediaId: e.raw.image.id, mimeType: 'image/png', size: bytes.length, sha256: sha(bytes) });
    expect(event.sha256).toBe(e.raw.image.sha256); // what the webhook promised

    const got = await h.http('GET', `/v1/media/${id}`, { tenant: A });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, direction: 'inbound', wamid: e.wamid, metaMediaId: e.raw.image.id, mimeType: 'image/png', size: bytes.length, sha256: sha(bytes) });
    const content = await h.http<Buffer>('GET', `/v1/media/${id}/content`, { tenant: A, raw: true });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.body.equals(bytes)).toBe(true);

    const list = await h.http('GET', '/v1/media?direction=inbound', { tenant: A });
    expect(list.body.data).toContainEqual(expect.objectContaining({ id, direction: 'inbound', wamid: e.wamid, sha256: sha(bytes) }));
    expect((await h.http('GET', '/v1/media?direction=outbound', { tenant: A })).body.data.map((m: Json) => m.id)).not.toContain(id);
  });

  it('replaces an expired download URL with a fresh one from GET /{media-id} and stores the document', async () => {
    const expiredBefore = await counterValue('media_inbound_fetch_retries_total', { cause: 'url_expired' });
    const e = await userSends('document');
    // the next two download URLs the sandbox handed out are dead by the time they are used
    const fault = await fetch(`${sandbox.url}/_sandbox/media/expire-next-urls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 2 }) });
    expect(fault.status).toBe(201);
    const id = inboundMediaIdOf(e, A)!;
    await publish(e);

    const event = await storedEvent(id);
    const bytes = await metaBytes(e.raw.document.id);
    expect(event).toMatchObject({ mimeType: 'application/pdf', size: bytes.length, sha256: sha(bytes) });
    expect(await counterValue('media_inbound_fetch_retries_total', { cause: 'url_expired' })).toBe(expiredBefore + 2);
    const got = await h.http('GET', `/v1/media/${id}`, { tenant: A });
    expect(got.body).toMatchObject({ filename: 'invoice.pdf', size: bytes.length });
    expect((await h.http<Buffer>('GET', `/v1/media/${id}/content`, { tenant: A, raw: true })).body.equals(bytes)).toBe(true);
  });

  it('stores one object when the same inbound message is delivered three times', async () => {
    const from = '15550009002';
    const e = await userSends('image', from);
    const id = inboundMediaIdOf(e, A)!;
    await publish(e);
    await publish(e);
    await publish(e);
    // a later message of the same user (same key, same partition) is handled after the copies
    const marker = await userSends('image', from);
    await publish(marker);
    await storedEvent(inboundMediaIdOf(marker, A)!);

    const rows = await h.pg.query('SELECT id FROM media WHERE tenant_id = $1 AND meta_media_id = $2', [A, e.raw.image.id]);
    expect(rows.rows).toEqual([{ id }]);
    const states = await h.pg.query('SELECT status FROM inbound_media WHERE tenant_id = $1 AND meta_media_id = $2', [A, e.raw.image.id]);
    expect(states.rows).toEqual([{ status: 'stored' }]);
    expect((await readdir(h.storageDir)).filter((f) => f.startsWith(id))).toEqual([id]);
    expect(stored.values().filter((v) => v.mediaId === id)).toHaveLength(1);
  });

  it('completes an object once when it is redelivered after a worker crashed mid-fetch', async () => {
    const e = await userSends('image', '15550009003');
    const id = inboundMediaIdOf(e, A)!;
    // the crashed worker's claim (its lease ran out) and its unfinished write
    await h.pg.query(
      `INSERT INTO inbound_media (tenant_id, meta_media_id, id, phone_number_id, wamid, message_type, status, attempts, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'image', 'pending', 0, now() - interval '1 second', now(), now())`,
      [A, e.raw.image.id, id, PN, e.wamid],
    );
    await publish(e);

    await storedEvent(id);
    const bytes = await metaBytes(e.raw.image.id);
    expect((await h.http<Buffer>('GET', `/v1/media/${id}/content`, { tenant: A, raw: true })).body.equals(bytes)).toBe(true);
    expect((await h.pg.query('SELECT count(*)::int AS n FROM media WHERE tenant_id = $1 AND meta_media_id = $2', [A, e.raw.image.id])).rows[0].n).toBe(1);
    expect((await readdir(h.storageDir)).filter((f) => f.startsWith(id))).toEqual([id]);
  });

  it('records media Meta does not know as failed, announces it on wa.media.failed.v1 and answers 410 media_failed', async () => {
    const e = await userSends('image', '15550009004');
    const unknown: Inbound = { ...e, wamid: `${e.wamid}.unknown`, raw: { ...e.raw, id: `${e.wamid}.unknown`, image: { ...e.raw.image, id: '999000111222' } } };
    const id = inboundMediaIdOf(unknown, A)!;
    await publish(unknown);

    const event = await waitFor(() => failed.values().find((v) => v.mediaId === id), { timeoutMs: 30000, what: 'wa.media.failed.v1' });
    expect(event).toMatchObject({ tenantId: A, phoneNumberId: PN, metaMediaId: '999000111222', wamid: unknown.wamid, reason: 'media_unknown', attempts: 1 });
    const got = await h.http('GET', `/v1/media/${id}`, { tenant: A });
    expect(got.status).toBe(410);
    expect(got.body.error).toMatchObject({ code: 'media_failed', details: { status: 'failed', reason: 'media_unknown' } });
    expect((await h.http('GET', `/v1/media/${id}/content`, { tenant: A })).status).toBe(410);
    expect((await h.pg.query('SELECT status, failure_reason FROM inbound_media WHERE tenant_id = $1 AND id = $2', [A, id])).rows).toEqual([{ status: 'failed', failure_reason: 'media_unknown' }]);
    expect((await h.pg.query('SELECT 1 FROM media WHERE id = $1', [id])).rowCount).toBe(0);
  });

  it('keeps retrying an unreachable Graph in durable rounds (404 media_pending meanwhile), then reports retries_exhausted', async () => {
    const e = await userSends('image', '15550009005');
    const down: Inbound = { ...e, phoneNumberId: PN_DOWN, wamid: `${e.wamid}.down` };
    const id = inboundMediaIdOf(down, A)!;
    await publish(down);

    const pending = await waitFor(async () => {
      const r = await h.http('GET', `/v1/media/${id}`, { tenant: A });
      // after the consumer's round failed: pending, with the durable round scheduled
      return r.body?.error?.code === 'media_pending' && r.body.error.details.attempts === 1 ? r : undefined;
    }, { timeoutMs: 30000, what: 'media_pending after the first round' });
    expect(pending.status).toBe(404);
    expect(pending.body.error.details).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: expect.any(String) });

    const event = await waitFor(() => failed.values().find((v) => v.mediaId === id), { timeoutMs: 30000, what: 'wa.media.failed.v1 after the last round' });
    expect(event).toMatchObject({ reason: 'retries_exhausted', attempts: 2, message: expect.stringContaining('ECONNREFUSED') });
    expect((await h.http('GET', `/v1/media/${id}`, { tenant: A })).body.error).toMatchObject({ code: 'media_failed', details: { reason: 'retries_exhausted' } });
  });

  it('answers 404 to another tenant for an inbound object, stored or not', async () => {
    const e = await userSends('image', '15550009006');
    const id = inboundMediaIdOf(e, A)!;
    await publish(e);
    await storedEvent(id);

    for (const path of [`/v1/media/${id}`, `/v1/media/${id}/content`]) {
      const r = await h.http('GET', path, { tenant: B });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect((await h.http('DELETE', `/v1/media/${id}`, { tenant: B })).status).toBe(404);
    expect((await h.http('GET', '/v1/media?direction=inbound', { tenant: B })).body.data).toEqual([]);
    // the failed one of the test above is tenant A's state: B learns nothing of it either
    const failedId = failed.values()[0]?.mediaId;
    expect(failedId).toBeDefined();
    expect((await h.http('GET', `/v1/media/${failedId}`, { tenant: B })).body.error.code).toBe('not_found');
    expect((await h.http('GET', `/v1/media/${id}`, { tenant: A })).status).toBe(200);
  });
});
