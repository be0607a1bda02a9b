import { MediaHarness, startSandbox } from '../testing/media-harness';
import { exe, jpeg, LinkServer, sha256, startLinkServer, startSlowProxy } from './testing/link-server';

const TOKEN = 'sandbox-access-token';
const A = 'tenant-a';
const B = 'tenant-b';
const PN = '106540352242922';
/** Announced to media but unknown to the sandbox at first: Graph refuses its uploads. */
const PN_LATE = '106540352242933';
/** A second number of tenant A. */
const PN_OTHER = '106540352242944';
/** A number whose Graph answers slowly (a proxy to the sandbox holding each call 400 ms). */
const PN_SLOW = '106540352242955';
const DAY_MS = 86_400_000;

/**
 * `POST /internal/v1/media/resolve` against real Postgres and Kafka, the sandbox as Meta's Graph,
 * and a tenant's file server on 127.0.0.2 (the only address the allow-list lets through).
 */
describe('media resolve: our id or a link → a Meta media id (real Postgres, Kafka, sandbox)', () => {
  const h = new MediaHarness();
  let sandbox: { url: string; close(): Promise<void> };
  let files: LinkServer;
  let loopback: LinkServer;
  let slowGraph: Awaited<ReturnType<typeof startSlowProxy>>;
  const big = jpeg(6 * 1024 * 1024, 3);
  const photo = jpeg(150_000, 2);

  const resolve = (tenant: string, body: Record<string, unknown>) => h.http('POST', '/internal/v1/media/resolve', { tenant, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const upload = async (phoneNumberId: string, bytes = jpeg(40_000)) => {
    const up = await h.http('POST', `/v1/media?phoneNumberId=${phoneNumberId}`, { tenant: A, body: bytes, headers: { 'content-type': 'image/jpeg' } });
    expect(up.status).toBe(201);
    return up.body as { id: string; metaMediaId?: string; sha256: string };
  };
  /** What the sandbox (Meta) holds under a media id. */
  const atMeta = async (metaMediaId: string, phoneNumberId: string) => {
    const res = await fetch(`${sandbox.url}/v23.0/${metaMediaId}?phone_number_id=${phoneNumberId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, body: (await res.json()) as { sha256?: string; mime_type?: string } };
  };

  beforeAll(async () => {
    sandbox = await startSandbox([PN, PN_OTHER, PN_SLOW].map((phoneNumberId) => ({ phoneNumberId, wabaId: 'waba-1', accessToken: TOKEN })));
    loopback = await startLinkServer('127.0.0.1', { '/x.jpg': { body: photo, type: 'image/jpeg' } });
    files = await startLinkServer('127.0.0.2', {
      '/photo.jpg': { body: photo, type: 'image/jpeg' },
      '/holiday.jpg': { body: exe(), type: 'image/jpeg' },
      '/big.jpg': { body: big, type: 'image/jpeg', chunked: true },
      '/to-loopback': { redirect: `${loopback.url}/x.jpg` },
    });
    await h.start({ MEDIA_LINK_ALLOWED_TARGETS: '127.0.0.2/32' });
    for (const phoneNumberId of [PN, PN_LATE, PN_OTHER]) await h.announceNumber({ phoneNumberId, tenantId: A, graphBaseUrl: sandbox.url, accessToken: TOKEN });
    slowGraph = await startSlowProxy(sandbox.url, 400);
    await h.announceNumber({ phoneNumberId: PN_SLOW, tenantId: A, graphBaseUrl: slowGraph.url, accessToken: TOKEN });
  }, 90000);

  afterAll(async () => {
    await h.stop();
    await files?.close();
    await loopback?.close();
    await slowGraph?.close();
    await sandbox?.close();
  });

  it('answers the Meta id of a fresh upload without uploading again, and passes Meta ids through', async () => {
    const up = await upload(PN);
    expect(up.metaMediaId).toEqual(expect.any(String));
    const res = await resolve(A, { phoneNumberId: PN, id: up.id, kind: 'image' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ metaMediaId: up.metaMediaId, mediaId: up.id, source: 'cached' });

    const meta = await resolve(A, { phoneNumberId: PN, id: '1234567890123', kind: 'image' });
    expect(meta.body).toEqual({ metaMediaId: '1234567890123', source: 'meta-id' });
  });

  it('uploads on demand an object stored while Graph refused it, then reuses that id', async () => {
    const bytes = jpeg(30_000, 9);
    const up = await upload(PN_LATE, bytes);
    expect(up.metaMediaId).toBeUndefined(); // the sandbox does not know PN_LATE yet
    const early = await resolve(A, { phoneNumberId: PN_LATE, id: up.id, kind: 'image' });
    expect(early.status).toBe(502);
    expect(early.body.error.code).toBe('graph_upload_failed');

    const reg = await fetch(`${sandbox.url}/_sandbox/numbers`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumberId: PN_LATE, displayPhoneNumber: '15550100001', wabaId: 'waba-1', accessToken: TOKEN, appSecret: 'sandbox-secret', callbackUrl: 'http://127.0.0.1:9/unused' }),
    });
    expect(reg.status).toBe(201);
    const res = await resolve(A, { phoneNumberId: PN_LATE, id: up.id, kind: 'image' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mediaId: up.id, source: 'uploaded' });
    expect((await atMeta(res.body.metaMediaId, PN_LATE)).body).toMatchObject({ sha256: sha256(bytes), mime_type: 'image/jpeg' });
    expect((await h.http('GET', `/v1/media/${up.id}`, { tenant: A })).body.metaMediaId).toBe(res.body.metaMediaId);

    const again = await resolve(A, { phoneNumberId: PN_LATE, id: up.id, kind: 'image' });
    expect(again.body).toEqual({ metaMediaId: res.body.metaMediaId, mediaId: up.id, source: 'cached' });
  });

  it('uploads again once the Meta id is older than the safe age, once for concurrent sends', async () => {
    const bytes = jpeg(20_000, 5);
    const up = await upload(PN_SLOW, bytes);
    await h.pg.query(`UPDATE media SET meta_uploaded_at = now() - interval '26 days' WHERE id = $1`, [up.id]);
    const graphCalls = slowGraph.requests;
    // Graph takes 400 ms per upload here: the four resolves overlap
    const results = await Promise.all([1, 2, 3, 4].map(() => resolve(A, { phoneNumberId: PN_SLOW, id: up.id, kind: 'image' })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const ids = new Set(results.map((r) => r.body.metaMediaId));
    expect(ids.size).toBe(1);
    const [fresh] = [...ids] as string[];
    expect(fresh).not.toBe(up.metaMediaId);
    expect(results.filter((r) => r.body.source === 'uploaded')).toHaveLength(1);
    expect(slowGraph.requests - graphCalls).toBe(1);
    expect((await atMeta(fresh!, PN_SLOW)).body.sha256).toBe(sha256(bytes));
    const row = await h.pg.query<{ age: number }>(`SELECT extract(epoch FROM now() - meta_uploaded_at) AS age FROM media WHERE id = $1`, [up.id]);
    expect(Number(row.rows[0]!.age)).toBeLessThan(DAY_MS / 1000);
  });

  it('uploads again for a scheduled send when the cached id would be too old by its send time', async () => {
    const up = await upload(PN);
    const in20Days = new Date(Date.now() + 20 * DAY_MS).toISOString();
    expect((await resolve(A, { phoneNumberId: PN, id: up.id, kind: 'image', sendAt: in20Days })).body).toMatchObject({ metaMediaId: up.metaMediaId, source: 'cached' });
    await h.pg.query(`UPDATE media SET meta_uploaded_at = now() - interval '6 days' WHERE id = $1`, [up.id]);
    expect((await resolve(A, { phoneNumberId: PN, id: up.id, kind: 'image' })).body).toMatchObject({ metaMediaId: up.metaMediaId, source: 'cached' });
    const later = await resolve(A, { phoneNumberId: PN, id: up.id, kind: 'image', sendAt: in20Days });
    expect(later.body).toMatchObject({ source: 'uploaded' });
    expect(later.body.metaMediaId).not.toBe(up.metaMediaId);
  });

  it('uploads for another number of the tenant without replacing the first number\'s id', async () => {
    const up = await upload(PN);
    const res = await resolve(A, { phoneNumberId: PN_OTHER, id: up.id, kind: 'image' });
    expect(res.body).toMatchObject({ source: 'uploaded', mediaId: up.id });
    expect(res.body.metaMediaId).not.toBe(up.metaMediaId);
    expect((await resolve(A, { phoneNumberId: PN, id: up.id, kind: 'image' })).body).toMatchObject({ metaMediaId: up.metaMediaId, source: 'cached' });
    expect((await resolve(A, { phoneNumberId: PN_OTHER, id: up.id, kind: 'image' })).body).toMatchObject({ metaMediaId: res.body.metaMediaId, source: 'cached' });
  });

  it("answers 404 for another tenant's media id and number, 400 for a kind the object is not", async () => {
    const up = await upload(PN);
    const other = await resolve(B, { phoneNumberId: PN, id: up.id, kind: 'image' });
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: 'not_found', message: `media ${up.id} not found` });
    expect((await resolve(A, { phoneNumberId: PN, id: '01JAAAAAAAAAAAAAAAAAAAAAAA', kind: 'image' })).status).toBe(404);
    const wrong = await resolve(A, { phoneNumberId: PN, id: up.id, kind: 'audio' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('media_kind_mismatch');
    expect((await resolve(B, { phoneNumberId: PN, link: `${files.url}/photo.jpg`, kind: 'image' })).status).toBe(404);
  });

  it('imports a link into storage and Graph: stored bytes, Meta id, our media id', async () => {
    const res = await resolve(A, { phoneNumberId: PN, link: `${files.url}/photo.jpg`, kind: 'image' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ metaMediaId: expect.any(String), mediaId: expect.any(String), source: 'link' });
    expect((await atMeta(res.body.metaMediaId, PN)).body).toMatchObject({ sha256: sha256(photo), mime_type: 'image/jpeg' });
    const stored = await h.http('GET', `/v1/media/${res.body.mediaId}`, { tenant: A });
    expect(stored.body).toMatchObject({ sha256: sha256(photo), size: photo.length, mimeType: 'image/jpeg', filename: 'photo.jpg', metaMediaId: res.body.metaMediaId });
  });

  it.each([
    ['a loopback address', () => `${loopback.url}/x.jpg`, () => 'resolves to 127.0.0.1, a loopback address'],
    ['a link-local (cloud metadata) address', () => 'http://169.254.169.254/latest/meta-data', () => 'resolves to 169.254.169.254, a link-local (cloud metadata) address'],
    ['a private address', () => 'http://10.0.0.5/a.jpg', () => 'resolves to 10.0.0.5, a private (RFC 1918) address'],
    ['a host resolving to loopback', () => `http://localhost:${new URL(loopback.url).port}/x.jpg`, () => /resolves to (127\.0\.0\.1|::1), a loopback address/],
    ['a redirect to loopback', () => `${files.url}/to-loopback`, () => `redirects to ${loopback.url}/x.jpg, which resolves to 127.0.0.1, a loopback address`],
  ])('refuses a link to %s with 400 media_url_refused and the reason', async (_name, link, reason) => {
    const before = loopback.hits.length;
    const res = await resolve(A, { phoneNumberId: PN, link: link(), kind: 'image' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('media_url_refused');
    expect(res.body.error.message).toMatch(reason());
    expect(loopback.hits.length).toBe(before); // never connected
  });

  it('refuses an .exe served as image/jpeg with 415 and an over-limit image with 413, keeping nothing', async () => {
    const count = async () => Number((await h.pg.query('SELECT count(*) AS n FROM media')).rows[0].n);
    const before = await count();
    const exeRes = await resolve(A, { phoneNumberId: PN, link: `${files.url}/holiday.jpg`, kind: 'image' });
    expect(exeRes.status).toBe(415);
    expect(exeRes.body.error).toMatchObject({ code: 'unsupported_media_type', details: { detected: 'application/x-msdownload' } });
    const bigRes = await resolve(A, { phoneNumberId: PN, link: `${files.url}/big.jpg`, kind: 'image' });
    expect(bigRes.status).toBe(413);
    expect(bigRes.body.error).toMatchObject({ code: 'media_too_large', details: { kind: 'image', limitBytes: 5 * 1024 * 1024 } });
    const missing = await resolve(A, { phoneNumberId: PN, link: `${files.url}/nope.jpg`, kind: 'image' });
    expect(missing.status).toBe(502);
    expect(missing.body.error).toMatchObject({ code: 'media_url_failed', details: { status: 404 } });
    expect(await count()).toBe(before);
  });
});
