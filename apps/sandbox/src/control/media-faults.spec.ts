import { RunningSandbox, requestJson, startSandbox, testNumber } from '../testing/sandbox-harness';

const TOKEN = 'expire-token';
const PHONE = '106540352242999';

describe('POST /_sandbox/media/expire-next-urls', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ numbers: [testNumber({ phoneNumberId: PHONE, wabaId: 'waba-expire', accessToken: TOKEN })] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  async function uploadedImageUrl(): Promise<{ id: string; url: string }> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])], { type: 'image/jpeg' }), 'a.jpg');
    const up = await fetch(`${sandbox.url}/v23.0/${PHONE}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    const { id } = (await up.json()) as { id: string };
    const info = await requestJson(`${sandbox.url}/v23.0/${id}`, { token: TOKEN });
    return { id, url: info.body.url as string };
  }

  const download = (url: string): Promise<Response> => fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });

  it('answers the next download 404 as an expired URL, and a fresh URL downloads again', async () => {
    const { id, url } = await uploadedImageUrl();
    const set = await requestJson(`${sandbox.url}/_sandbox/media/expire-next-urls`, { method: 'POST', body: {} });
    expect(set).toMatchObject({ status: 201, body: { pending: 1 } });

    const expired = await download(url);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { error: { code: number } }).error.code).toBe(100);

    const fresh = await requestJson(`${sandbox.url}/v23.0/${id}`, { token: TOKEN });
    expect((await download(fresh.body.url as string)).status).toBe(200);
    // the fault was one download: the first URL (not yet past its 5 minutes) works again too
    expect((await download(url)).status).toBe(200);
  });

  it('counts several, and refuses a count out of range', async () => {
    const { url } = await uploadedImageUrl();
    expect((await requestJson(`${sandbox.url}/_sandbox/media/expire-next-urls`, { method: 'POST', body: { count: 2 } })).body).toEqual({ pending: 2 });
    expect((await download(url)).status).toBe(404);
    expect((await download(url)).status).toBe(404);
    expect((await download(url)).status).toBe(200);
    const bad = await requestJson(`${sandbox.url}/_sandbox/media/expire-next-urls`, { method: 'POST', body: { count: 0 } });
    expect(bad.status).toBe(400);
  });
});
