import { fillExamplePlaceholders, INVALID_OFFICIAL_SEND_EXAMPLES, specRequestExamples, specSchemaValidator } from '@wabridge/meta';
import { TemplateRegistry } from '../rules/template-registry';
import { RunningSandbox, requestJson, startSandbox, testNumber } from '../testing/sandbox-harness';
import { WebhookReceiver } from '../testing/webhook-receiver';

/**
 * Contract: the request examples of Meta's OpenAPI spec for the endpoints the sandbox serves
 * are accepted, or answered with the documented error when they need state the sandbox does
 * not have yet (an unknown template → 132001, an unknown media id → 100).
 */
const SECRET = 'contract-secret';
const PHONE = '106540352242922';
const WABA = '102290129340398';
const TOKEN = 'contract-token';

type Json = Record<string, unknown>;

/** Placeholders such as `{{Recipient-Phone-Number}}` become a real phone; media ids become uploaded ones. */
function mediaIdIn(value: Json): { type: string; id: string } | undefined {
  const type = value.type;
  if (typeof type !== 'string') return undefined;
  const media = value[type];
  if (typeof media === 'object' && media !== null && typeof (media as Json).id === 'string') return { type, id: (media as Json).id as string };
  return undefined;
}

const MIME_FOR: Record<string, { mime: string; bytes: Buffer }> = {
  image: { mime: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]) },
  audio: { mime: 'audio/ogg', bytes: Buffer.from('OggS') },
  video: { mime: 'video/mp4', bytes: Buffer.from('ftypmp42') },
  document: { mime: 'application/pdf', bytes: Buffer.from('%PDF-1.4') },
  sticker: { mime: 'image/webp', bytes: Buffer.from('RIFFxxxxWEBP') },
};

describe('contract: Meta spec request examples', () => {
  const receiver = new WebhookReceiver(SECRET);
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    const callbackUrl = await receiver.start();
    sandbox = await startSandbox({
      settings: { statusSentDelayMs: 0, statusDeliveredDelayMs: 0, statusReadDelayMs: 0, webhookTickMs: 5 },
      numbers: [testNumber({ phoneNumberId: PHONE, wabaId: WABA, accessToken: TOKEN, appSecret: SECRET, callbackUrl, mps: 10_000, pairBurst: 10_000 })],
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });

  async function upload(kind: string): Promise<string> {
    const sample = MIME_FOR[kind] ?? MIME_FOR.document;
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([new Uint8Array(sample?.bytes ?? Buffer.alloc(1))], { type: sample?.mime ?? 'application/pdf' }), `file.${kind}`);
    const res = await fetch(`${sandbox.url}/v23.0/${PHONE}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    return body.id as string;
  }

  const sendExamples = specRequestExamples('/{Version}/{Phone-Number-ID}/messages', 'post');

  it('finds the send examples in the spec', () => {
    expect(sendExamples.length).toBeGreaterThanOrEqual(50);
  });

  it.each(sendExamples.filter((e) => !(e.name in INVALID_OFFICIAL_SEND_EXAMPLES)).map((e) => [e.name, e.value as Json] as const))('accepts "%s" (after creating the state it needs)', async (_name, example) => {
    const body = fillExamplePlaceholders(example, '16505551234');
    const send = (): ReturnType<typeof requestJson> => requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { body, token: TOKEN });

    const media = mediaIdIn(body);
    if (media) {
      const unknown = await send();
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toMatchObject({ code: 100 });
      ((body[media.type] as Json).id as string) = await upload(media.type);
    }

    const template = body.template as { name?: string; language?: { code?: string } } | undefined;
    if (template?.name !== undefined && template.language?.code !== undefined && !sandbox.app.get(TemplateRegistry).exists(WABA, template.name, template.language.code)) {
      const missing = await send();
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatchObject({ code: 132001 });
      sandbox.app.get(TemplateRegistry).create(WABA, { name: template.name, language: template.language.code, category: 'UTILITY', components: [] });
      // Review delay is over once the clock passes it; the default delay is 2 s, so approve by creating with a past review.
      const created = sandbox.app.get(TemplateRegistry).find(WABA, template.name, template.language.code);
      if (created) created.reviewAt = 0;
    }

    const reply = await send();
    expect(reply.body).not.toHaveProperty('error');
    expect(reply.status).toBe(200);
    if (body.status === 'read') {
      expect(reply.body).toEqual({ success: true });
    } else {
      expect(reply.body).toEqual({
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: expect.stringMatching(/^\d+$/) }],
        messages: [expect.objectContaining({ id: expect.stringMatching(/^wamid\./) })],
      });
      expect(specSchemaValidator('MessageResponsePayload')(reply.body)).toEqual({ valid: true, errors: [] });
    }
  });

  it.each(Object.keys(INVALID_OFFICIAL_SEND_EXAMPLES))('rejects "%s" with 100, as Meta would', async (name) => {
    const example = sendExamples.find((e) => e.name === name);
    expect(example).toBeDefined();
    const reply = await requestJson(`${sandbox.url}/v23.0/${PHONE}/messages`, { body: fillExamplePlaceholders(example?.value, '16505551234'), token: TOKEN });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: expect.any(Number) });
  });

  it.each(specRequestExamples('/{Version}/{Phone-Number-ID}/media', 'post').map((e) => [e.name, e.value as Json] as const))('accepts the upload example "%s" sent as multipart', async (_name, example) => {
    // The examples are curl's `file=@path;type=<mime>`; send a file of that type.
    const typeMatch = /type=([^;]+)$/.exec(String(example.file));
    const declared = typeMatch?.[1] ?? 'image/jpeg';
    const mime = declared.includes('/') ? declared : { ogg: 'audio/ogg', webp: 'image/webp' }[declared] ?? declared;
    const form = new FormData();
    form.append('messaging_product', String(example.messaging_product));
    form.append('file', new Blob([new Uint8Array([1, 2, 3])], { type: mime }), 'file');
    const res = await fetch(`${sandbox.url}/v23.0/${PHONE}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: expect.stringMatching(/^\d+$/) });
  });

  const createdTemplates = new Set<string>();
  it.each(specRequestExamples('/{Version}/{WABA-ID}/message_templates', 'post').map((e) => [e.name, e.value as Json] as const))('answers the template example "%s" with PENDING, or 100 for a placeholder or repeated name', async (_name, example) => {
    const reply = await requestJson(`${sandbox.url}/v23.0/${WABA}/message_templates`, { body: example, token: TOKEN });
    const key = `${String(example.name)}/${String(example.language)}`;
    if (createdTemplates.has(key)) {
      // Two official examples share a name and language; Meta refuses the second.
      expect(reply.body.error).toMatchObject({ code: 100, error_subcode: 2388024 });
    } else if (typeof example.name === 'string' && /^[a-z0-9_]+$/.test(example.name)) {
      createdTemplates.add(key);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: String(example.category).toUpperCase() });
    } else {
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({ code: 100 });
    }
  });

  it('lists templates in the spec response shape', async () => {
    const reply = await requestJson(`${sandbox.url}/v23.0/${WABA}/message_templates?name=hello_world`, { token: TOKEN });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      data: [{ id: expect.any(String), name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: expect.any(Array) }],
      paging: { cursors: { before: expect.any(String), after: expect.any(String) } },
    });
  });

  it('retrieves a media URL that downloads with the Bearer token only, then deletes the media', async () => {
    const id = await upload('image');
    const info = await requestJson(`${sandbox.url}/v23.0/${id}`, { token: TOKEN });
    expect(info.body).toEqual({ messaging_product: 'whatsapp', url: expect.stringContaining('/whatsapp_business/attachments?mid='), mime_type: 'image/jpeg', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), file_size: String(MIME_FOR.image?.bytes.length), id });
    const url = info.body.url as string;
    expect((await fetch(url)).status).toBe(401);
    const download = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(MIME_FOR.image?.bytes);
    expect((await fetch(url.replace(/hash=[^&]+/, 'hash=forged'), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);

    expect((await requestJson(`${sandbox.url}/v23.0/${id}`, { method: 'DELETE', token: TOKEN })).body).toEqual({ success: true });
    const gone = await requestJson(`${sandbox.url}/v23.0/${id}`, { token: TOKEN });
    expect(gone.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await requestJson(`${sandbox.url}/v23.0/${id}`, { token: 'nope' })).status).toBe(401);
  });

  it('refuses an upload of a type Meta does not accept, and one over its kind limit', async () => {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([new Uint8Array([1])], { type: 'application/x-msdownload' }), 'evil.exe');
    const res = await fetch(`${sandbox.url}/v23.0/${PHONE}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: Json }).error).toMatchObject({ code: 100 });

    const big = new FormData();
    big.append('messaging_product', 'whatsapp');
    big.append('file', new Blob([new Uint8Array(600 * 1024)], { type: 'image/webp' }), 'big.webp');
    const tooBig = await fetch(`${sandbox.url}/v23.0/${PHONE}/media`, { method: 'POST', body: big, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as { error: Json }).error).toMatchObject({ code: 131053 });
  });
});

describe('body limit', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ settings: { bodyLimitBytes: 64 * 1024 }, numbers: [testNumber({ accessToken: TOKEN })] });
  });

  afterAll(() => sandbox.close());

  it('answers 413 in Meta error shape, without a stack trace, for a JSON body over the limit', async () => {
    const reply = await requestJson(`${sandbox.url}/v23.0/106540352242922/messages`, { token: TOKEN, body: { messaging_product: 'whatsapp', to: '1650555', text: { body: 'x'.repeat(100 * 1024) } } });
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatchObject({ code: 100, type: 'OAuthException', fbtrace_id: expect.any(String) });
    expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers 413 in Meta error shape for an upload over the limit', async () => {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([new Uint8Array(100 * 1024)], { type: 'video/mp4' }), 'v.mp4');
    const res = await fetch(`${sandbox.url}/v23.0/106540352242922/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: Json }).error).toMatchObject({ code: 100 });
  });
});
