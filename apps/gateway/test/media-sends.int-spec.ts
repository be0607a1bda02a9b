import { OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { TopicCollector, waitFor } from '@wabridge/testing';
import { MediaHarness } from '../../media/src/testing/media-harness';
import { exe, jpeg, LinkServer, sha256, startLinkServer } from '../../media/src/resolve/testing/link-server';
import { Harness, seedTenant, startGateway, TenantFixture, uniqueDigits } from '../src/testing/gateway-harness';
import { RunningSandbox, startSandbox } from '../src/testing/sandbox';

const TO = '+14155550123';

/**
 * Sends naming our media id or a link: the gateway asks the media service for Meta's id before
 * accepting (real gateway, media service and sandbox in-process; real Postgres and Kafka). The
 * dispatcher is not running: the command on wa.outbound.requested.v1 is the oracle, and the
 * sandbox's media store shows what Meta holds under the id the command carries.
 */
describe('sends naming our media id or a link (gateway + media + sandbox, real Postgres and Kafka)', () => {
  const media = new MediaHarness();
  let sandbox: RunningSandbox;
  let h: Harness;
  let fx: TenantFixture;
  let bus: TopicCollector<any>;
  let files: LinkServer;
  let loopback: LinkServer;
  const photo = jpeg(120_000, 4);

  const tokenOf = (phoneNumberId: string) => `EAAG-token-${phoneNumberId}`;
  /** Registers the number in the sandbox (Meta) and tells the media service about it. */
  const connect = async (phoneNumberId: string, tenantId: string, inSandbox = true) => {
    if (inSandbox) {
      const reg = await fetch(`${sandbox.url}/_sandbox/numbers`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phoneNumberId, displayPhoneNumber: '15550100000', wabaId: 'waba-1', accessToken: tokenOf(phoneNumberId), appSecret: 'sandbox-secret', callbackUrl: 'http://127.0.0.1:9/unused' }),
      });
      expect(reg.status).toBe(201);
    }
    await media.announceNumber({ phoneNumberId, tenantId, graphBaseUrl: sandbox.url, accessToken: tokenOf(phoneNumberId) });
  };
  const upload = async (phoneNumberId: string, bytes: Buffer) => {
    const res = await fetch(`${h.url}/v1/media?phoneNumberId=${phoneNumberId}`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'image/jpeg' }, body: bytes });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; metaMediaId?: string };
  };
  const commandOf = (id: string) => waitFor(() => bus.messages.find((m) => m.value.id === id), { timeoutMs: 30000, what: `command ${id}` });
  const atMeta = async (metaMediaId: string, phoneNumberId: string) => {
    const res = await fetch(`${sandbox.url}/v23.0/${metaMediaId}?phone_number_id=${phoneNumberId}`, { headers: { authorization: `Bearer ${tokenOf(phoneNumberId)}` } });
    return (await res.json()) as { sha256?: string };
  };
  const sendImage = (image: Record<string, unknown>, opts: { key?: string; phoneNumberId?: string; headers?: Record<string, string> } = {}) =>
    h.api(opts.key ?? fx.key, 'POST', '/v1/messages', { phoneNumberId: opts.phoneNumberId ?? fx.phoneNumberId, to: TO, type: 'image', image }, opts.headers);

  beforeAll(async () => {
    sandbox = await startSandbox([]);
    loopback = await startLinkServer('127.0.0.1', { '/x.jpg': { body: photo, type: 'image/jpeg' } });
    files = await startLinkServer('127.0.0.2', {
      '/photo.jpg': { body: photo, type: 'image/jpeg' },
      '/once.jpg': { body: jpeg(50_000, 6), type: 'image/jpeg' },
      '/holiday.jpg': { body: exe(), type: 'image/jpeg' },
      '/to-loopback': { redirect: `${loopback.url}/x.jpg` },
    });
    await media.start({ MEDIA_LINK_ALLOWED_TARGETS: '127.0.0.2/32' });
    h = await startGateway({ MEDIA_URL: media.url });
    bus = await TopicCollector.start<any>(OUTBOUND_REQUESTED_V1, h.suffix);
    fx = await seedTenant(h, { graphBaseUrl: sandbox.url });
    await connect(fx.phoneNumberId, fx.tenantId);
  }, 120000);

  afterAll(async () => {
    await bus?.stop();
    await h?.close();
    await media.stop();
    await files?.close();
    await loopback?.close();
    await sandbox?.close();
  });

  it("sends an upload by our id: the command carries Meta's id, whose bytes at Meta are the uploaded ones", async () => {
    const bytes = jpeg(80_000, 1);
    const up = await upload(fx.phoneNumberId, bytes);
    expect(up.metaMediaId).toEqual(expect.any(String));
    const res = await sendImage({ id: up.id, caption: 'our id' });
    expect(res.status).toBe(202);
    const cmd = await commandOf(res.body.id);
    expect(cmd.value.message).toEqual({ type: 'image', image: { id: up.metaMediaId, caption: 'our id' } });
    expect((await atMeta(up.metaMediaId!, fx.phoneNumberId)).sha256).toBe(sha256(bytes));
  });

  it('sends an upload that Graph refused (re-uploaded on demand), and one whose Meta id aged (uploaded again)', async () => {
    const late = uniqueDigits('9');
    const added = await h.admin('POST', `/admin/v1/tenants/${fx.tenantId}/phone-numbers`, {
      phoneNumberId: late, displayPhoneNumber: '+1 555 0101', wabaId: fx.wabaId, appId: fx.appId, accessToken: tokenOf(late), graphBaseUrl: sandbox.url,
    });
    expect(added.status).toBe(201);
    await connect(late, fx.tenantId, false); // Meta does not know the number yet: the upload gets no Meta id
    const bytes = jpeg(60_000, 2);
    const up = await upload(late, bytes);
    expect(up.metaMediaId).toBeUndefined();
    await connect(late, fx.tenantId); // now it does
    const res = await sendImage({ id: up.id }, { phoneNumberId: late });
    expect(res.status).toBe(202);
    const sent = (await commandOf(res.body.id)).value.message.image.id as string;
    expect(sent).toMatch(/^\d+$/);
    expect((await atMeta(sent, late)).sha256).toBe(sha256(bytes));

    await media.pg.query(`UPDATE media SET meta_uploaded_at = now() - interval '26 days' WHERE id = $1`, [up.id]);
    const again = await sendImage({ id: up.id }, { phoneNumberId: late });
    expect(again.status).toBe(202);
    const renewed = (await commandOf(again.body.id)).value.message.image.id as string;
    expect(renewed).not.toBe(sent);
    expect((await atMeta(renewed, late)).sha256).toBe(sha256(bytes));
  });

  it('fetches a link into our storage and sends Meta\'s id for it, never the link', async () => {
    const res = await sendImage({ link: `${files.url}/photo.jpg`, caption: 'by link' });
    expect(res.status).toBe(202);
    const image = (await commandOf(res.body.id)).value.message.image;
    expect(image).toEqual({ id: expect.stringMatching(/^\d+$/), caption: 'by link' });
    expect((await atMeta(image.id, fx.phoneNumberId)).sha256).toBe(sha256(photo));
  });

  it("resolves a template's header media too: our id and a link become Meta's ids, the other parameters untouched", async () => {
    const bytes = jpeg(40_000, 7);
    const up = await upload(fx.phoneNumberId, bytes);
    const template = (header: Record<string, unknown>) => ({
      name: 'order_update', language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [header] },
        { type: 'body', parameters: [{ type: 'text', text: 'Ann' }] },
      ],
    });
    const byId = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: TO, type: 'template', template: template({ type: 'image', image: { id: up.id } }) });
    expect(byId.status).toBe(202);
    const sentById = (await commandOf(byId.body.id)).value.message.template;
    expect(sentById.components[0].parameters[0]).toEqual({ type: 'image', image: { id: up.metaMediaId } });
    expect(sentById.components[1]).toEqual({ type: 'body', parameters: [{ type: 'text', text: 'Ann' }] });

    const byLink = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: TO, type: 'template', template: template({ type: 'image', image: { link: `${files.url}/photo.jpg` } }) });
    expect(byLink.status).toBe(202);
    const header = (await commandOf(byLink.body.id)).value.message.template.components[0].parameters[0];
    expect(header).toEqual({ type: 'image', image: { id: expect.stringMatching(/^\d+$/) } });
    expect((await atMeta(header.image.id, fx.phoneNumberId)).sha256).toBe(sha256(photo));

    // a refused link in a template header is refused like one in an image send
    const refused = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: TO, type: 'template', template: template({ type: 'image', image: { link: 'http://169.254.169.254/latest/meta-data' } }) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('media_url_refused');
  });

  it('fetches a link once when the send is retried with the same Idempotency-Key', async () => {
    const key = `media-${uniqueDigits()}`;
    const body = { link: `${files.url}/once.jpg` };
    const first = await sendImage(body, { headers: { 'idempotency-key': key } });
    const second = await sendImage(body, { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(files.hits.filter((p) => p === '/once.jpg')).toHaveLength(1);
    await commandOf(first.body.id);
    expect(bus.messages.filter((m) => m.value.id === first.body.id)).toHaveLength(1);
  });

  it.each([
    ['a loopback address', () => `${loopback.url}/x.jpg`, () => 'resolves to 127.0.0.1, a loopback address'],
    ['a link-local (cloud metadata) address', () => 'http://169.254.169.254/latest/meta-data', () => 'resolves to 169.254.169.254, a link-local (cloud metadata) address'],
    ['a private address', () => 'http://10.0.0.5/a.jpg', () => 'resolves to 10.0.0.5, a private (RFC 1918) address'],
    ['localhost', () => `http://localhost:${new URL(loopback.url).port}/x.jpg`, () => 'a loopback address'],
    ['a redirect to loopback', () => `${files.url}/to-loopback`, () => `redirects to ${loopback.url}/x.jpg, which resolves to 127.0.0.1, a loopback address`],
  ])('refuses a link to %s with 400 media_url_refused and the reason, accepting nothing', async (_name, link, reason) => {
    const before = bus.messages.length;
    const res = await sendImage({ link: link() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('media_url_refused');
    expect(res.body.error.message).toContain(reason());
    expect(loopback.hits).toHaveLength(0);
    expect(bus.messages.length).toBe(before);
  });

  it('refuses an .exe served as image/jpeg with 415, and answers in Meta\'s shape on the Cloud API route', async () => {
    const res = await sendImage({ link: `${files.url}/holiday.jpg` });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'unsupported_media_type', details: { detected: 'application/x-msdownload' } });

    const cloud = await h.api(fx.key, 'POST', `/v23.0/${fx.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: TO, type: 'image', image: { link: `${loopback.url}/x.jpg` } });
    expect(cloud.status).toBe(400);
    expect(cloud.body.error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('a loopback address') } });
  });

  it("answers not found for another tenant's media id (native and Cloud API shapes), accepting nothing", async () => {
    const up = await upload(fx.phoneNumberId, jpeg(10_000, 8));
    const other = await seedTenant(h, { graphBaseUrl: sandbox.url });
    await connect(other.phoneNumberId, other.tenantId);
    const before = bus.messages.length;
    const res = await sendImage({ id: up.id }, { key: other.key, phoneNumberId: other.phoneNumberId });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: `media ${up.id} not found` });
    const cloud = await h.api(other.key, 'POST', `/v23.0/${other.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: TO, type: 'image', image: { id: up.id } });
    expect(cloud.status).toBe(400);
    expect(cloud.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect(bus.messages.length).toBe(before);
  });

  it('answers 503 with Retry-After when the media service is down, and still sends messages without media', async () => {
    const up = await upload(fx.phoneNumberId, jpeg(10_000, 9));
    await media.app.close();
    const res = await sendImage({ id: up.id });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body.error.code).toBe('media_unavailable');
    const byMetaId = await sendImage({ id: '1234567890' });
    expect(byMetaId.status).toBe(202);
    expect((await commandOf(byMetaId.body.id)).value.message.image).toEqual({ id: '1234567890' });
    const text = await h.api(fx.key, 'POST', '/v1/messages', { phoneNumberId: fx.phoneNumberId, to: TO, type: 'text', text: { body: 'no media' } });
    expect(text.status).toBe(202);
  });
});
