import { createHash } from 'node:crypto';
import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { CONTACT_ERASED_V1, ContactErasedV1, INBOUND_MESSAGE_V1, inboundMediaIdOf, InboundMessageV1 } from '@wabridge/contracts';
import { metricsRegistry } from '@wabridge/telemetry';
import { waitFor } from '@wabridge/testing';
import { ContactErasureService } from './erasure/contact-erasure.service';
import { MediaRetentionService } from './retention/media-retention.service';
import { MediaHarness, startSandbox } from './testing/media-harness';

const PN = '106540352244001';
const WABA = 'waba-retention';
const TOKEN = 'sandbox-retention-token';
const A = 'tenant-retention-a';
const B = 'tenant-retention-b';
const C = 'tenant-retention-c';
const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;

type Json = Record<string, any>;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A small valid PNG header followed by filler (sniffs as image/png). */
function png(bytes: number): Buffer {
  const b = Buffer.alloc(bytes, 7);
  Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex').copy(b);
  return b;
}

async function counterValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('media retention and contact erasure (real Postgres, Kafka, sandbox as Meta)', () => {
  const h = new MediaHarness();
  const webhooks: Json[] = [];
  let sandbox: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    sandbox = await startSandbox([{ phoneNumberId: PN, wabaId: WABA, accessToken: TOKEN }], { onWebhook: (body: Json) => webhooks.push(body) });
    await h.start({ MEDIA_RETENTION_DAYS: String(DEFAULT_DAYS), MEDIA_RETENTION_CHUNK_ROWS: '2', MEDIA_INBOUND_RETRY_BASE_MS: '20' });
    await h.announceNumber({ phoneNumberId: PN, tenantId: A, graphBaseUrl: sandbox.url, accessToken: TOKEN });
  }, 90000);

  afterAll(async () => {
    await h.stop();
    await sandbox?.close();
  });

  const file = (id: string): string => join(h.storageDir, id);

  /** An upload through the API (bytes in storage), then aged by `ageDays` in its row. */
  async function upload(tenant: string, phoneNumberId: string, ageDays: number): Promise<{ id: string; bytes: Buffer }> {
    const bytes = png(3000);
    const up = await h.http('POST', `/v1/media?phoneNumberId=${phoneNumberId}`, { tenant, body: bytes, headers: { 'content-type': 'image/png' } });
    expect(up.status).toBe(201);
    await h.pg.query('UPDATE media SET created_at = $2 WHERE id = $1', [up.body.id, new Date(Date.now() - ageDays * DAY_MS)]);
    return { id: up.body.id as string, bytes };
  }

  /** An inbound object as the fetch path leaves it (row, stored state, bytes), sent by `waId`, stored `ageDays` ago. */
  async function inboundObject(tenant: string, phoneNumberId: string, waId: string, ageDays: number): Promise<string> {
    const id = ulid();
    const at = new Date(Date.now() - ageDays * DAY_MS);
    const bytes = png(2000);
    await writeFile(file(id), bytes);
    await h.pg.query(
      `INSERT INTO media (id, tenant_id, phone_number_id, direction, mime_type, size, sha256, storage_key, meta_media_id, wamid, created_at, wa_id)
       VALUES ($1, $2, $3, 'inbound', 'image/png', $4, $5, $1, $6, $7, $8, $9)`,
      [id, tenant, phoneNumberId, bytes.length, sha(bytes), `meta-${id}`, `wamid.${id}`, at, waId],
    );
    await h.pg.query(
      `INSERT INTO inbound_media (tenant_id, meta_media_id, id, phone_number_id, wamid, message_type, status, attempts, announced, created_at, updated_at, wa_id)
       VALUES ($1, $2, $3, $4, $5, 'image', 'stored', 1, true, $6, $6, $7)`,
      [tenant, `meta-${id}`, id, phoneNumberId, `wamid.${id}`, at, waId],
    );
    return id;
  }

  /** A record of inbound media that failed for good (no bytes), first seen `ageDays` ago. */
  async function failedInbound(tenant: string, phoneNumberId: string, waId: string, ageDays: number): Promise<string> {
    const id = ulid();
    const at = new Date(Date.now() - ageDays * DAY_MS);
    await h.pg.query(
      `INSERT INTO inbound_media (tenant_id, meta_media_id, id, phone_number_id, wamid, message_type, status, attempts, failure_reason, announced, created_at, updated_at, wa_id)
       VALUES ($1, $2, $3, $4, $5, 'image', 'failed', 3, 'media_unknown', true, $6, $6, $7)`,
      [tenant, `meta-${id}`, id, phoneNumberId, `wamid.${id}`, at, waId],
    );
    return id;
  }

  const stateOf = async (tenant: string, id: string): Promise<string | undefined> =>
    (await h.pg.query<{ status: string }>('SELECT status FROM inbound_media WHERE tenant_id = $1 AND id = $2', [tenant, id])).rows[0]?.status;

  async function expectKept(tenant: string, id: string, bytes?: Buffer): Promise<void> {
    expect((await h.http('GET', `/v1/media/${id}`, { tenant })).status).toBe(200);
    const content = await h.http<Buffer>('GET', `/v1/media/${id}/content`, { tenant, raw: true });
    expect(content.status).toBe(200);
    if (bytes) expect(content.body.equals(bytes)).toBe(true);
  }

  async function expectDeleted(tenant: string, id: string): Promise<void> {
    const got = await h.http('GET', `/v1/media/${id}`, { tenant });
    expect(got.status).toBe(404);
    expect(got.body.error.code).toBe('not_found');
    expect(await exists(file(id))).toBe(false);
    expect((await h.pg.query('SELECT 1 FROM inbound_media WHERE id = $1', [id])).rowCount).toBe(0);
  }

  describe('settings (GET/PUT /v1/media/settings)', () => {
    it('answers the service default until the tenant sets its own, per tenant, and null returns to the default', async () => {
      expect(await h.http('GET', '/v1/media/settings', { tenant: C })).toMatchObject({ status: 200, body: { retentionDays: null, defaultRetentionDays: DEFAULT_DAYS } });
      const put = await h.http('PUT', '/v1/media/settings', { tenant: C, body: JSON.stringify({ retentionDays: 365 }), headers: { 'content-type': 'application/json' } });
      expect(put).toMatchObject({ status: 200, body: { retentionDays: 365, defaultRetentionDays: DEFAULT_DAYS } });
      expect((await h.http('GET', '/v1/media/settings', { tenant: C })).body.retentionDays).toBe(365);
      expect((await h.http('GET', '/v1/media/settings', { tenant: B })).body.retentionDays).toBeNull();

      const cleared = await h.http('PUT', '/v1/media/settings', { tenant: C, body: JSON.stringify({ retentionDays: null }), headers: { 'content-type': 'application/json' } });
      expect(cleared).toMatchObject({ status: 200, body: { retentionDays: null } });
      expect((await h.http('GET', '/v1/media/settings', { tenant: C })).body.retentionDays).toBeNull();
    });

    it.each([
      ['zero days', { retentionDays: 0 }, /at least 1/],
      ['more than ten years', { retentionDays: 3651 }, /at most 3650/],
      ['a fraction', { retentionDays: 1.5 }, /whole number/],
      ['a string', { retentionDays: '30' }, /whole number/],
      ['no value', {}, /whole number/],
      ['an unknown field', { retentionDays: 30, keepForever: true }, /keepForever/],
    ])('refuses %s with a 400 naming the problem and keeps the setting', async (_what, body, message) => {
      await h.http('PUT', '/v1/media/settings', { tenant: C, body: JSON.stringify({ retentionDays: 45 }), headers: { 'content-type': 'application/json' } });
      const res = await h.http('PUT', '/v1/media/settings', { tenant: C, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(JSON.stringify(res.body.error)).toMatch(message);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      expect((await h.http('GET', '/v1/media/settings', { tenant: C })).body.retentionDays).toBe(45);
    });

    it('refuses a body that is not JSON with a clear 400', async () => {
      const res = await h.http('PUT', '/v1/media/settings', { tenant: C, body: '{"retentionDays": ', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    });
  });

  describe('retention', () => {
    it("deletes each tenant's media older than its retention (rows, bytes, inbound state, Meta ids) and keeps newer media and other tenants'", async () => {
      const put = await h.http('PUT', '/v1/media/settings', { tenant: A, body: JSON.stringify({ retentionDays: 10 }), headers: { 'content-type': 'application/json' } });
      expect(put.status).toBe(200);
      // tenant A: 10 days; tenant B: the default (30)
      const aOld = await Promise.all([upload(A, PN, 11), upload(A, PN, 40), upload(A, PN, 12)]); // more than one chunk (2)
      const aNew = await upload(A, PN, 9);
      const aOldInbound = await inboundObject(A, PN, '15550009301', 11);
      await h.pg.query(`INSERT INTO media_meta_ids (tenant_id, media_id, phone_number_id, meta_media_id, uploaded_at) VALUES ($1, $2, $3, 'meta-reupload', now())`, [A, aOldInbound, PN]);
      const aNewInbound = await inboundObject(A, PN, '15550009301', 3);
      const aOldFailed = await failedInbound(A, PN, '15550009302', 11);
      const aNewFailed = await failedInbound(A, PN, '15550009302', 2);
      const bMid = await upload(B, 'pn-retention-b', 11); // older than A's retention, not B's
      const bOld = await upload(B, 'pn-retention-b', 31);
      for (const o of [...aOld, aNew, bMid, bOld]) expect(await exists(file(o.id))).toBe(true);
      const objectsBefore = await counterValue('media_retention_deleted_total', { what: 'objects' });
      const failedBefore = await counterValue('media_retention_deleted_total', { what: 'failed_inbound' });
      const bytesBefore = await counterValue('media_retention_deleted_bytes_total');

      await h.app.get(MediaRetentionService).pruneNow();

      expect(await counterValue('media_retention_deleted_total', { what: 'objects' })).toBe(objectsBefore + 5);
      expect(await counterValue('media_retention_deleted_total', { what: 'failed_inbound' })).toBe(failedBefore + 1);
      expect(await counterValue('media_retention_deleted_bytes_total')).toBe(bytesBefore + 3 * 3000 + 2000 + 3000);

      for (const o of aOld) await expectDeleted(A, o.id);
      await expectDeleted(A, aOldInbound);
      expect((await h.pg.query('SELECT 1 FROM media_meta_ids WHERE media_id = $1', [aOldInbound])).rowCount).toBe(0);
      expect(await stateOf(A, aOldFailed)).toBeUndefined();
      await expectDeleted(B, bOld.id);

      await expectKept(A, aNew.id, aNew.bytes);
      await expectKept(A, aNewInbound);
      expect(await stateOf(A, aNewInbound)).toBe('stored');
      expect(await stateOf(A, aNewFailed)).toBe('failed');
      await expectKept(B, bMid.id, bMid.bytes);

      // a second run finds nothing more to delete
      await h.app.get(MediaRetentionService).pruneNow();
      await expectKept(A, aNew.id, aNew.bytes);
      await expectKept(B, bMid.id, bMid.bytes);
    });

    it('applies the default to a tenant without its own setting, and finishes a prune cut short after the bytes went (410 meanwhile, never a 500)', async () => {
      const put = await h.http('PUT', '/v1/media/settings', { tenant: C, body: JSON.stringify({ retentionDays: null }), headers: { 'content-type': 'application/json' } });
      expect(put.status).toBe(200);
      const cKept = await upload(C, 'pn-retention-c', DEFAULT_DAYS - 1);
      // a run cut short between the bytes and the row (crash): the row is read as gone, not as a 500
      const cHalf = await upload(C, 'pn-retention-c', DEFAULT_DAYS + 1);
      await rm(file(cHalf.id));
      const half = await h.http('GET', `/v1/media/${cHalf.id}/content`, { tenant: C });
      expect(half.status).toBe(410);
      expect(half.body.error.code).toBe('media_gone');

      await h.app.get(MediaRetentionService).pruneNow();

      await expectDeleted(C, cHalf.id);
      await expectKept(C, cKept.id, cKept.bytes);
    });
  });

  describe('erasure on wa.contact.erased.v1', () => {
    /** A user sends an image to the sandbox number; the event the normalizer makes of Meta's webhook. */
    async function userSendsImage(from: string): Promise<InboundMessageV1 & { raw: Json }> {
      const sent = await fetch(`${sandbox.url}/_sandbox/inbound`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumberId: PN, from, message: { type: 'image' } }),
      });
      expect(sent.status).toBe(202);
      const { wamid } = (await sent.json()) as { wamid: string };
      const value = await waitFor(
        () => webhooks.map((w) => w.entry?.[0]?.changes?.[0]?.value).find((v: Json | undefined) => v?.messages?.[0]?.id === wamid) as Json | undefined,
        { timeoutMs: 30000, what: `the sandbox's webhook for ${wamid}` },
      );
      const message = value.messages[0] as Json;
      return {
        wamid, type: 'image', phoneNumberId: PN, wabaId: WABA, appId: 'app-1', tenantId: A, waId: message.from, userId: message.from_user_id,
        occurredAt: new Date(Number(message.timestamp) * 1000).toISOString(), receivedAt: new Date().toISOString(), raw: message, contact: value.contacts?.[0],
      };
    }

    /** Retried while the shared broker answers "not the leader" for a fresh topic (every consumer here is idempotent). */
    async function publish(topic: string, key: string, value: object): Promise<void> {
      await waitFor(async () => {
        await h.producer.send({ topic, key, value });
        return true;
      }, { timeoutMs: 30000, intervalMs: 200, what: `publishing on ${topic}` });
    }

    async function storedInbound(e: InboundMessageV1): Promise<string> {
      const id = inboundMediaIdOf(e, A)!;
      await publish(INBOUND_MESSAGE_V1.topic, `${e.phoneNumberId}:${e.waId ?? e.userId}`, e);
      await waitFor(async () => (await h.http('GET', `/v1/media/${id}`, { tenant: A })).status === 200, { timeoutMs: 30000, what: `inbound media ${id} stored` });
      return id;
    }

    it("deletes every inbound object and fetch record of the contact, and nothing of another contact, the tenant's uploads or another tenant", async () => {
      const X = '15550009401';
      const Y = '15550009402';
      const fromX = await storedInbound(await userSendsImage(X));
      const fromY = await storedInbound(await userSendsImage(Y));
      // the inbound path recorded who sent it
      expect((await h.pg.query('SELECT wa_id FROM media WHERE id = $1', [fromX])).rows[0]).toEqual({ wa_id: X });
      const olderFromX = await inboundObject(A, PN, X, 1);
      const failedFromX = await failedInbound(A, PN, X, 1);
      const upload_ = await upload(A, PN, 0); // the tenant's own file: not the contact's
      const sameNumberOtherTenant = await inboundObject(B, PN, X, 1);
      const otherNumberSameTenant = await inboundObject(A, 'pn-retention-a2', X, 1); // another contact: the user wrote to another number
      expect(await exists(file(fromX))).toBe(true);

      const erasure = h.app.get(ContactErasureService);
      const handled: { objects: number; states: number }[] = [];
      const original = erasure.erase.bind(erasure);
      const spy = jest.spyOn(erasure, 'erase').mockImplementation(async (ev) => {
        const r = await original(ev);
        handled.push(r);
        return r;
      });
      try {
        const event: ContactErasedV1 = { tenantId: A, contactId: 'contact-x', phoneNumberId: PN, waId: X, erasedAt: new Date().toISOString(), optedOut: false };
        await publish(CONTACT_ERASED_V1.topic, `${A}:contact-x`, event);
        await waitFor(() => handled.length >= 1, { timeoutMs: 30000, what: 'the erasure handled' });
        expect(handled[0]).toEqual({ objects: 2, states: 3 });

        await expectDeleted(A, fromX);
        await expectDeleted(A, olderFromX);
        expect(await stateOf(A, failedFromX)).toBeUndefined();
        await expectKept(A, fromY);
        expect(await stateOf(A, fromY)).toBe('stored');
        await expectKept(A, upload_.id, upload_.bytes);
        await expectKept(B, sameNumberOtherTenant);
        await expectKept(A, otherNumberSameTenant);

        // redelivered (or replayed): handled without error, finds nothing, deletes nothing else
        await publish(CONTACT_ERASED_V1.topic, `${A}:contact-x`, event);
        await waitFor(() => handled.length >= 2, { timeoutMs: 30000, what: 'the redelivered erasure handled' });
        expect(handled[1]).toEqual({ objects: 0, states: 0 });
        await expectKept(A, fromY);
        await expectKept(A, upload_.id, upload_.bytes);
        await expectKept(B, sameNumberOtherTenant);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
