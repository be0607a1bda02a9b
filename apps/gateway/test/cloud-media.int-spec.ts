import { createHash } from 'node:crypto';
import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { TopicCollector, waitFor } from '@wabridge/testing';
import { MediaHarness } from '../../media/src/testing/media-harness';
import { Harness, seedTenant, startGateway, TenantFixture } from '../src/testing/gateway-harness';
import { RunningSandbox, startSandbox } from '../src/testing/sandbox';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A JPEG (SOI + JFIF header, so it sniffs as image/jpeg) of `size` bytes with varied content. */
function jpeg(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex').copy(b);
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
}

/** Windows executable bytes (MZ … PE header). */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(20_000)]);

/** Meta's upload form, as Graph clients build it. */
function metaForm(bytes: Buffer, type: string, filename: string): FormData {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', type);
  form.append('file', new Blob([bytes], { type }), filename);
  return form;
}

interface MetaError {
  error: { message: string; type: string; code: number; error_subcode?: number; error_data?: { details: string }; fbtrace_id: string };
}

/**
 * The Cloud-API-compatible media routes (DESIGN §12): a client written against Meta's Graph API,
 * with our API key as its token, uploads, looks up, downloads and deletes media through the
 * gateway, which streams to the real media service (in-process, real Postgres and Kafka).
 */
describe('Cloud API media routes (gateway + media service)', () => {
  const media = new MediaHarness();
  let h: Harness;
  let fx: TenantFixture;
  let other: TenantFixture;

  const graph = (key: string, method: string, path: string, body?: FormData): Promise<Response> =>
    fetch(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${key}` }, body });
  const upload = async (key: string, pn: string, bytes: Buffer, type = 'image/jpeg', name = 'photo.jpg') => {
    const res = await graph(key, 'POST', `/v23.0/${pn}/media`, metaForm(bytes, type, name));
    return { status: res.status, body: (await res.json()) as { id: string } & MetaError };
  };
  const expectMetaError = (body: MetaError, code: number, subcode?: number): void => {
    expect(body.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String), fbtrace_id: expect.any(String) });
    if (subcode !== undefined) expect(body.error.error_subcode).toBe(subcode);
    expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
  };

  let sandbox: RunningSandbox;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- commands of any shape
  let bus: TopicCollector<any>;

  beforeAll(async () => {
    sandbox = await startSandbox([]);
    await media.start();
    h = await startGateway({ MEDIA_URL: media.url });
    bus = await TopicCollector.start(OUTBOUND_REQUESTED_V1, h.suffix);
    fx = await seedTenant(h, { graphBaseUrl: sandbox.url });
    other = await seedTenant(h);
    // the sending number at Meta (the sandbox) and in the media service, which resolves our id to Meta's for the send
    const token = `EAAG-token-${fx.phoneNumberId}`;
    const reg = await fetch(`${sandbox.url}/_sandbox/numbers`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumberId: fx.phoneNumberId, displayPhoneNumber: '15550100000', wabaId: 'waba-1', accessToken: token, appSecret: 'sandbox-secret', callbackUrl: 'http://127.0.0.1:9/unused' }),
    });
    expect(reg.status).toBe(201);
    await media.announceNumber({ phoneNumberId: fx.phoneNumberId, tenantId: fx.tenantId, graphBaseUrl: sandbox.url, accessToken: token });
  }, 120000);

  afterAll(async () => {
    await bus?.stop();
    await h?.close();
    await media.stop();
    await sandbox?.close();
  });

  it('a third-party Cloud API client uploads and sends an image through the compatible route', async () => {
    const bytes = jpeg(120_000);
    const up = await upload(fx.key, fx.phoneNumberId, bytes);
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ id: expect.stringMatching(ULID) });
    const { id } = up.body;

    const meta = await graph(fx.key, 'GET', `/v23.0/${id}`);
    expect(meta.status).toBe(200);
    const info = (await meta.json()) as Record<string, string>;
    expect(info).toEqual({
      messaging_product: 'whatsapp', url: `${h.url}/v1/media/${id}/content`, mime_type: 'image/jpeg', sha256: sha(bytes), file_size: String(bytes.length), id,
    });
    // Meta's check that the media belongs to the number, when the client names it
    expect((await graph(fx.key, 'GET', `/v23.0/${id}?phone_number_id=${fx.phoneNumberId}`)).status).toBe(200);

    // the URL, like Meta's, needs the same Bearer token; with it, the same bytes (and Range)
    const down = await graph(fx.key, 'GET', new URL(info.url!).pathname);
    expect(down.status).toBe(200);
    expect(down.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);
    const range = await fetch(info.url!, { headers: { authorization: `Bearer ${fx.key}`, range: 'bytes=0-2' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).toString('hex')).toBe('ffd8ff');
    expect((await fetch(info.url!)).status).toBe(401);

    // the id goes into a Cloud API send as Meta's media id would
    const send = await fetch(`${h.url}/v23.0/${fx.phoneNumberId}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '+14155550123', type: 'image', image: { id, caption: 'Your order' } }),
    });
    expect(send.status).toBe(200);
    const accepted = (await send.json()) as { messages: { id: string }[] };
    expect(accepted).toEqual({
      messaging_product: 'whatsapp', contacts: [{ input: '+14155550123', wa_id: '14155550123' }], messages: [{ id: expect.stringMatching(ULID), message_status: 'accepted' }],
    });
    // what goes to the dispatcher names Meta's id for those bytes, not ours
    const command = await waitFor(() => bus.messages.find((m) => m.value.id === accepted.messages[0]!.id), { timeoutMs: 30000, what: 'the send command' });
    const metaId = command.value.message.image.id as string;
    expect(metaId).toMatch(/^\d+$/);
    const atMeta = (await (await fetch(`${sandbox.url}/v23.0/${metaId}`, { headers: { authorization: `Bearer EAAG-token-${fx.phoneNumberId}` } })).json()) as { sha256: string };
    expect(atMeta.sha256).toBe(sha(bytes));
  }, 60000);

  it("answers Meta's unknown-object error for another tenant's media, number, or the wrong phone_number_id, and keeps the media", async () => {
    const { body: { id } } = await upload(fx.key, fx.phoneNumberId, jpeg(5_000));

    const get = await graph(other.key, 'GET', `/v23.0/${id}`);
    expect(get.status).toBe(400);
    const getBody = (await get.json()) as MetaError;
    expectMetaError(getBody, 100, 33);
    expect(getBody.error.message).toContain(`Unsupported get request. Object with ID '${id}' does not exist`);

    const del = await graph(other.key, 'DELETE', `/v23.0/${id}`);
    expect(del.status).toBe(400);
    const delBody = (await del.json()) as MetaError;
    expectMetaError(delBody, 100, 33);
    expect(delBody.error.message).toContain('Unsupported delete request');

    const wrongNumber = await graph(fx.key, 'DELETE', `/v23.0/${id}?phone_number_id=${other.phoneNumberId}`);
    expect(wrongNumber.status).toBe(400);
    expectMetaError((await wrongNumber.json()) as MetaError, 100, 33);

    const foreignNumber = await upload(other.key, fx.phoneNumberId, jpeg(5_000));
    expect(foreignNumber.status).toBe(400);
    expectMetaError(foreignNumber.body, 100, 33);
    expect(foreignNumber.body.error.message).toContain(`Unsupported post request. Object with ID '${fx.phoneNumberId}'`);

    expect((await graph(fx.key, 'GET', `/v23.0/${id}`)).status).toBe(200);
  }, 60000);

  it('deletes: {success: true}, then the id and its download URL are gone', async () => {
    const { body: { id } } = await upload(fx.key, fx.phoneNumberId, jpeg(5_000));
    const del = await graph(fx.key, 'DELETE', `/v23.0/${id}?phone_number_id=${fx.phoneNumberId}`);
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ success: true });
    const again = await graph(fx.key, 'GET', `/v23.0/${id}`);
    expect(again.status).toBe(400);
    expectMetaError((await again.json()) as MetaError, 100, 33);
    expect((await graph(fx.key, 'GET', `/v1/media/${id}/content`)).status).toBe(404);
  }, 60000);

  it("refuses an .exe named .jpg and an image over WhatsApp's 5 MB limit with Meta's media upload error, storing nothing", async () => {
    const before = await h.api(fx.key, 'GET', `/v1/media?phoneNumberId=${fx.phoneNumberId}`);
    const exe = await upload(fx.key, fx.phoneNumberId, EXE, 'image/jpeg', 'holiday.jpg');
    expect(exe.status).toBe(400);
    expectMetaError(exe.body, 131053);
    expect(exe.body.error.message).toBe('(#131053) Media upload error');
    expect(exe.body.error.error_data?.details).toContain('image/jpeg');

    const big = await upload(fx.key, fx.phoneNumberId, jpeg(6 * 1024 * 1024));
    expect(big.status).toBe(400);
    expectMetaError(big.body, 131053);
    expect(big.body.error.error_data?.details).toContain('limited to');

    const after = await h.api(fx.key, 'GET', `/v1/media?phoneNumberId=${fx.phoneNumberId}`);
    expect(after.body.data.map((m: { id: string }) => m.id)).toEqual(before.body.data.map((m: { id: string }) => m.id));
  }, 60000);

  it("answers Meta's auth errors: 190 for a bad token, 10 for a key without the media scope", async () => {
    const bad = await upload('wbk_live_not-a-key', fx.phoneNumberId, jpeg(1_000));
    expect(bad.status).toBe(401);
    expectMetaError(bad.body, 190);
    const scoped = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/api-keys`, { scopes: ['messages:send'] });
    expect(scoped.status).toBe(201);
    const { body: { id } } = await upload(fx.key, fx.phoneNumberId, jpeg(1_000));
    const denied = await graph(scoped.body.key, 'GET', `/v23.0/${id}`);
    expect(denied.status).toBe(403);
    expectMetaError((await denied.json()) as MetaError, 10);
  }, 60000);

  it('works unchanged from the @kapso/whatsapp-cloud-api client (upload, get, download, delete)', async () => {
    const client = new WhatsAppClient({ accessToken: fx.key, baseUrl: h.url, graphVersion: 'v23.0' });
    const bytes = jpeg(30_000);
    const { id } = await client.media.upload({ phoneNumberId: fx.phoneNumberId, type: 'image/jpeg', file: new Blob([bytes], { type: 'image/jpeg' }), fileName: 'kapso.jpg' });
    expect(id).toMatch(ULID);
    // (the client hands Meta's keys back as they came)
    expect(await client.media.get({ mediaId: id, phoneNumberId: fx.phoneNumberId })).toMatchObject({ id, mime_type: 'image/jpeg', sha256: sha(bytes), file_size: String(bytes.length) });
    const downloaded = (await client.media.download({ mediaId: id, auth: 'always' })) as ArrayBuffer;
    expect(Buffer.from(downloaded).equals(bytes)).toBe(true);
    expect(await client.media.delete({ mediaId: id })).toEqual({ success: true });
    const gone = await client.media.get({ mediaId: id }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(GraphApiError);
    expect((gone as GraphApiError).code).toBe(100);
  }, 60000);

  it('leaves other two-segment paths alone: /v1/*, /docs/*, ids that are not ours', async () => {
    expect((await h.api(fx.key, 'GET', '/v1/messages')).status).toBe(200);
    expect((await h.api(fx.key, 'GET', '/v1/templates')).status).not.toBe(404);
    expect((await fetch(`${h.url}/docs/swagger-ui.css`)).status).toBe(200);
    const notOurs = await h.api(fx.key, 'GET', '/v23.0/1234567890');
    expect(notOurs.status).toBe(404);
    expect(notOurs.body).toMatchObject({ error: { code: 'not_found' } }); // the ordinary 404, not a media lookup
    expect((await h.api(fx.key, 'GET', '/v1/01JEXAMPLE0000000000000000')).status).toBe(404);
  }, 30000);
});
