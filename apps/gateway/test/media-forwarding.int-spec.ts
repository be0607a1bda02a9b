import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MediaHarness } from '../../media/src/testing/media-harness';
import { Harness, seedTenant, startGateway, TenantFixture } from '../src/testing/gateway-harness';

/** A streamed PDF of `size` bytes (valid header, so it sniffs as a document) and its sha256. */
function pdf(size: number): { stream: Readable; sha256: Promise<string> } {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const hash = createHash('sha256');
  let sent = 0;
  let done!: (h: string) => void;
  const sha256 = new Promise<string>((r) => (done = r));
  const stream = new Readable({
    read() {
      if (sent >= size) {
        done(hash.digest('hex'));
        this.push(null);
        return;
      }
      const part = sent === 0 ? head : chunk.subarray(0, Math.min(chunk.length, size - sent));
      hash.update(part);
      sent += part.length;
      this.push(part);
    },
  });
  return { stream, sha256 };
}

/**
 * Media uploads stream through the gateway to the media service (never buffered, the upload
 * deadline rather than the 10 s forward timeout), and downloads with Range come back whole.
 */
describe('gateway ↔ media service (real services in-process, real Postgres and Kafka)', () => {
  const media = new MediaHarness();
  let h: Harness;
  let fx: TenantFixture;

  beforeAll(async () => {
    await media.start();
    h = await startGateway({ MEDIA_URL: media.url });
    fx = await seedTenant(h);
  }, 90000);
  afterAll(async () => {
    await h?.close();
    await media.stop();
  });

  it('streams a 40 MB document up, and its bytes and a range back down', async () => {
    const size = 40 * 1024 * 1024;
    const { stream, sha256 } = pdf(size);
    const res = await fetch(`${h.url}/v1/media?phoneNumberId=${fx.phoneNumberId}`, {
      method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'application/pdf' },
      body: Readable.toWeb(stream) as unknown as BodyInit, duplex: 'half',
    } as RequestInit);
    const body = (await res.json()) as { id: string; size: number; sha256: string; mimeType: string };
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ size, sha256: await sha256, mimeType: 'application/pdf' });

    const down = await fetch(`${h.url}/v1/media/${body.id}/content`, { headers: { authorization: `Bearer ${fx.key}` } });
    expect(down.status).toBe(200);
    const hash = createHash('sha256');
    for await (const part of down.body as unknown as AsyncIterable<Uint8Array>) hash.update(part);
    expect(hash.digest('hex')).toBe(body.sha256);

    const range = await fetch(`${h.url}/v1/media/${body.id}/content`, { headers: { authorization: `Bearer ${fx.key}`, range: 'bytes=0-7' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-7/${size}`);
    expect(Buffer.from(await range.arrayBuffer()).toString('latin1')).toBe('%PDF-1.7');
  }, 120000);

  it("answers 404 for another tenant's media through the gateway", async () => {
    const up = await h.api(fx.key, 'POST', `/v1/media?phoneNumberId=${fx.phoneNumberId}`, undefined, {});
    expect(up.status).toBeGreaterThanOrEqual(400); // no body: refused, not a crash
    const other = await seedTenant(h);
    const { stream } = pdf(1024);
    const res = await fetch(`${h.url}/v1/media?phoneNumberId=${fx.phoneNumberId}`, {
      method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'application/pdf' },
      body: Readable.toWeb(stream) as unknown as BodyInit, duplex: 'half',
    } as RequestInit);
    const { id } = (await res.json()) as { id: string };
    expect((await h.api(other.key, 'GET', `/v1/media/${id}`)).status).toBe(404);
    expect((await h.api(fx.key, 'GET', `/v1/media/${id}`)).status).toBe(200);
  }, 60000);
});
